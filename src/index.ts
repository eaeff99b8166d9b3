/**
 * nvgre — craft, decode and process NVGRE frames (RFC 7637).
 * The public surface: explicit named exports only.
 */
export { NvgreError, NvgreErrorCode, isNvgreError } from './wire/errors.js';
export type { NvgreErrorInfo, TryResult, Layer } from './wire/errors.js';

export { encapsulate, createEncapsulator } from './tunnel/encapsulate.js';
export { decapsulate, tryDecapsulate, createDecapsulator } from './tunnel/decapsulate.js';
export type { EncapsulateOptions, Encapsulator, PerPacketOptions } from './tunnel/template.js';
export type { Decapsulated, DecapsulateOptions, OuterHeaders, Decapsulator } from './tunnel/decapsulate.js';

export { parseFrame } from './frame/parse.js';
export { buildFrame, buildFrameInto } from './frame/build.js';
export type { ParsedFrame, ParsedNvgre, ParsedTransport, ParseFrameOptions } from './frame/parse.js';
export type { FrameSpec, EthernetSpec, VlanSpec, Ipv4Spec, Ipv6Spec, Ipv6ExtensionSpec, NvgreSpec, TcpSpec, UdpSpec, IcmpSpec } from './frame/build.js';

export { onesComplementSum, internetChecksum, ipv4PseudoHeaderSum, ipv6PseudoHeaderSum, updateChecksum16, updateChecksum32, fold, addSum, setChecksumKernel, checksumKernel } from './wire/checksum.checked.js';

export { parseMac, parseIp } from './wire/address.js';
export type { AddressInput } from './wire/address.js';

// The low-level helpers below are exported in their argument-checked form (the `*.checked.ts` file beside each codec): a wrong
// argument is a TypeError/RangeError naming it, never a silent read outside the bytes.
export { formatMac, formatIpv4, formatIpv6 } from './wire/address.checked.js';
export { innerFlowHash, foldFlowId } from './tunnel/flowhash.checked.js';
export { nvgreOverhead, innerMtu } from './tunnel/overhead.checked.js';
export { defaultTimestamp, copyRecord } from './capture/pcap.checked.js';

// Header codecs: field maps, zero-copy readers, writers into caller buffers.
export { ETH, EtherType } from './wire/ethernet.js';
export { readEthernet, writeEthernet, ethernetHeaderLength, ethernetLength } from './wire/ethernet.checked.js';
export type { EthernetHeader, EthernetFields, VlanTag } from './wire/ethernet.js';
export { IPV4, IpProtocol } from './wire/ipv4.js';
export { readIpv4, writeIpv4, checkIpv4, ipv4HeaderSum, ipv4HeaderChecksum, ipv4ChecksumValid, fillIpv4Checksum, ipv4Length } from './wire/ipv4.checked.js';
export type { Ipv4Header, Ipv4Fields } from './wire/ipv4.js';
export { IPV6, IPV6_EXT, newIpv6Chain } from './wire/ipv6.js';
export { readIpv6, writeIpv6, checkIpv6, walkIpv6 } from './wire/ipv6.checked.js';
export type { Ipv6Header, Ipv6Fields, Ipv6Chain, Ipv6ExtensionHeader } from './wire/ipv6.js';
export { GRE, VSID } from './wire/gre.js';
export { readGre, writeGre, writeNvgreHeader, greHeaderLength, greLength, nvgreKey, isReservedVsid } from './wire/gre.checked.js';
export type { GreHeader, GreFields, KeyLayout, KeyReadings } from './wire/gre.js';
export { keyReadings } from './wire/gre.checked.js';
export { TCP, TcpFlag } from './wire/tcp.js';
export { readTcp, writeTcp, checkTcp, tcpLength } from './wire/tcp.checked.js';
export type { TcpHeader, TcpFields } from './wire/tcp.js';
export { UDP } from './wire/udp.js';
export { readUdp, writeUdp, checkUdp } from './wire/udp.checked.js';
export type { UdpHeader, UdpFields } from './wire/udp.js';
export { ICMP, IcmpType, Icmpv6Type } from './wire/icmp.js';
export { readIcmp, writeIcmp } from './wire/icmp.checked.js';
export type { IcmpHeader, IcmpFields } from './wire/icmp.js';
export { computeTransportChecksum, fillTransportChecksum, transportChecksumValid, pseudoHeaderSum } from './wire/transport.checked.js';
export { FrameLayout, IpLayout } from './wire/layout.js';
export { walkFrame } from './wire/layout.checked.js';
export type { WalkOptions } from './wire/layout.js';

// Capture files: classic pcap, pcapng, streaming, and outer fragment reassembly.
export { readPcap, writePcap, PcapWriter, detectCaptureFormat } from './capture/pcap.js';
export { LINKTYPE_ETHERNET, DEFAULT_SNAPLEN, DEFAULT_MAX_RECORD_BYTES } from './capture/record.js';
export type { Capture, CaptureInfo, CaptureRecord, CaptureRecordInput, CaptureTimestamp, CaptureInterface, CaptureWarning, ReadCaptureOptions } from './capture/record.js';
export type { PcapWriteOptions } from './capture/pcap.js';
export { readPcapng } from './capture/pcapng.js';
export { writePcapng, PcapngWriter } from './capture/pcapng-writer.js';
export type { PcapngWriteOptions, PcapngInterfaceOptions } from './capture/pcapng-writer.js';
export { readCapture, readCaptureStream, CaptureStreamParser } from './capture/stream.js';
export type { CaptureChunkSource, ByteStreamLike } from './capture/stream.js';
export { Reassembler } from './capture/reassembly.js';
export type { ReassemblerOptions, ReassemblyStats } from './capture/reassembly.js';
// Link types: where the outer IP header of a record starts, and records of any link type as Ethernet frames.
export { LinkType, locateOuterIp, linkTypeName, LinkNormalizer, createLinkNormalizer } from './capture/linktype.js';
export type { LinkProblem, OuterIpLocation } from './capture/linktype.js';

// Conformance linting.
export { lint, LintCode, LINT_SEVERITY } from './diagnose/lint.js';
export type { Finding, LintOptions, LintSeverity } from './diagnose/lint.js';
export { lintRecord } from './diagnose/lint-record.js';
export type { LinkRecord } from './diagnose/lint-record.js';

// The doctor (docs/doctor.md): a capture's findings across frames, as data, in bounded memory.
export { diagnose, diagnoseStream, createDoctor, Doctor } from './diagnose/doctor/doctor.js';
export { DoctorCode, DOCTOR_SEVERITY } from './diagnose/doctor/types.js';
export type { DoctorOptions, DoctorReport, DoctorFinding, DoctorEvidence, DoctorSubject, DoctorSummary } from './diagnose/doctor/types.js';
export type { DoctorPart } from './diagnose/doctor/merge.js';
export type { DiagnoseRecord } from './diagnose/doctor/facts.js';
export { captureStats, captureStatsStream, createStats, StatsCollector } from './diagnose/stats.js';
export type { CaptureStats, StatsOptions, VsidStats, PairStats, Conversation, ProtocolMix } from './diagnose/stats.js';

// One decoded view of a frame, its fields by name, the display filter over them (docs/filter.md), the
// field tree of `nvgre decode -V` and the one-line summary (pure TypeScript: usable in a browser).
export { FrameView } from './diagnose/frame-view.js';
export type { FrameViewOptions, FrameInfo } from './diagnose/frame-view.js';
export { FRAME_FIELDS } from './diagnose/fields.js';
export type { FrameField, FieldType, FieldValue, FieldGetter } from './diagnose/fields.js';
export { compileDisplayFilter, parseDisplayFilter, formatDisplayFilter } from './diagnose/filter.js';
export type { DisplayFilter, FilterNode, FilterLiteral, FilterSetMember, ComparisonOperator } from './diagnose/filter.js';
export { frameFieldTree, frameFieldValues, frameFieldsJson, writeFrameFieldsJson, frameLayerSpans } from './diagnose/tree.js';
export type { FieldLayer, FieldNode, FieldJson, LayerSpan } from './diagnose/tree.js';
export { JsonBytes } from './diagnose/json-bytes.js';
export type { JsonSink } from './diagnose/json-bytes.js';
export { frameSummary } from './diagnose/summary.js';
export type { FrameSummaryOptions } from './diagnose/summary.js';

// Software emulation of the NDIS NVGRE task offloads (docs/offload.md): Tx/Rx checksums, LSOv2, coalescing.
export {
  fillChecksums,
  verifyChecksums,
  segment,
  segmentInto,
  segmentPlan,
  coalesce,
  ndisOffsetsOf,
  NblFlag,
  EncapsulatedOffloadCapability,
  DEFAULT_MAX_HEADER_SIZE,
} from './offload/index.js';
export { updateTransportChecksum16, updateTransportChecksum32 } from './offload/incremental.checked.js';
export type {
  FillChecksumsOptions,
  SeedConvention,
  VerifyChecksumsOptions,
  SegmentArrayOptions,
  SegmentOptions,
  SegmentProfile,
  IpIdMode,
  SegmentPlan,
  CoalesceOptions,
  NdisEncapsulatedOffsets,
  ChecksumReport,
  ChecksumFlags,
  LayerStatus,
  TransportProtocol,
  TransportReport,
  NblFlagsFrom,
} from './offload/index.js';

// Receive side: RSS (Toeplitz, NDIS hash types, inner or outer tuple, indirection table) and VMQ (docs/rss.md).
export { toeplitzHash } from './wire/toeplitz.js';
export { rssHash, createRss } from './offload/rss.js';
export type { RssHashType, RssOptions, RssResult, CreateRssOptions, Rss } from './offload/rss.js';
export { classifyVmq, createVmq } from './offload/vmq.js';
export type { VmqFilter, VmqResult, Vmq } from './offload/vmq.js';

// ECMP hashing (RFC 7637 §4.1) and ECN at the tunnel egress (RFC 6040 §4.2).
export { ecmpHash } from './tunnel/ecmp.js';
export type { EcmpMode } from './tunnel/ecmp.js';
export { applyEcnOnDecapsulation, ecnEgress, Ecn } from './tunnel/ecn.js';
export type { EcnDecapsulationResult } from './tunnel/ecn.js';

// The NVE model: HNV policy, its importer and checker, and a host's endpoint (docs/nve.md).
export { createPolicy, validatePolicy } from './nve/create.js';
export type { PolicyError, NvePolicy } from './nve/create.js';
export { checkPolicy } from './nve/check.js';
export type { PolicyFinding, FindingSeverity } from './nve/check.js';
export { importHnvPolicy, hnvExportKind } from './nve/hnv.js';
export type { HnvExports, HnvHostExport, HnvImport, HnvExportKind } from './nve/hnv.js';
export { createNve } from './nve/nve.js';
export type { Nve, VmPort } from './nve/nve.js';
export type { TransmitResult, ReceiveResult, TransmitAction, ReceiveAction, TraceStep } from './nve/decision.js';
export { explainFrame } from './nve/explain.js';
export type { FrameExplanation } from './nve/explain.js';
export { examplePolicy } from './nve/example.js';
export { NVE_DROP_CODES } from './nve/codes.js';
export type { DropCodeInfo, NveDropCode } from './nve/codes.js';
export type {
  Policy,
  LookupRecord,
  LookupRule,
  LookupType,
  CustomerRoute,
  VirtualSubnet,
  RoutingDomain,
  ProviderAddress,
  ProviderRoute,
  HostPolicy,
  HostOptions,
  PolicyProblem,
} from './nve/policy.js';
