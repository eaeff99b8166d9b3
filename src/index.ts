/**
 * nvgre — craft, decode and process NVGRE frames (RFC 7637).
 * The public surface: explicit named exports only.
 */
export { NvgreError, NvgreErrorCode } from './errors.js';
export type { NvgreErrorInfo, TryResult, Layer } from './errors.js';

export { encapsulate, createEncapsulator, decapsulate, tryDecapsulate, createDecapsulator } from './nvgre.js';
export type { EncapsulateOptions, Encapsulator, PerPacketOptions, Decapsulated, DecapsulateOptions, OuterHeaders, Decapsulator } from './nvgre.js';

export { parseFrame, buildFrame, buildFrameInto } from './frame.js';
export type {
  ParsedFrame,
  ParsedNvgre,
  ParsedTransport,
  ParseFrameOptions,
  FrameSpec,
  EthernetSpec,
  VlanSpec,
  Ipv4Spec,
  Ipv6Spec,
  Ipv6ExtensionSpec,
  NvgreSpec,
  TcpSpec,
  UdpSpec,
  IcmpSpec,
} from './frame.js';

export {
  onesComplementSum,
  internetChecksum,
  ipv4PseudoHeaderSum,
  ipv6PseudoHeaderSum,
  updateChecksum16,
  updateChecksum32,
  fold,
  addSum,
} from './checked.js';

export { parseMac, parseIp } from './address.js';
export type { AddressInput } from './address.js';

// The low-level helpers below are exported in their argument-checked form (src/checked.ts): a wrong
// argument is a TypeError/RangeError naming it, never a silent read outside the bytes.
export { formatMac, formatIpv4, formatIpv6, innerFlowHash, foldFlowId, nvgreOverhead, innerMtu, defaultTimestamp, copyRecord } from './checked.js';

// Header codecs: field maps, zero-copy readers, writers into caller buffers.
export { ETH, EtherType } from './codec/ethernet.js';
export { readEthernet, writeEthernet, ethernetHeaderLength, ethernetLength } from './checked.js';
export type { EthernetHeader, EthernetFields, VlanTag } from './codec/ethernet.js';
export { IPV4, IpProtocol } from './codec/ipv4.js';
export { readIpv4, writeIpv4, checkIpv4, ipv4HeaderSum, ipv4HeaderChecksum, ipv4ChecksumValid, fillIpv4Checksum, ipv4Length } from './checked.js';
export type { Ipv4Header, Ipv4Fields } from './codec/ipv4.js';
export { IPV6, IPV6_EXT, newIpv6Chain } from './codec/ipv6.js';
export { readIpv6, writeIpv6, checkIpv6, walkIpv6 } from './checked.js';
export type { Ipv6Header, Ipv6Fields, Ipv6Chain, Ipv6ExtensionHeader } from './codec/ipv6.js';
export { GRE, VSID } from './codec/gre.js';
export { readGre, writeGre, writeNvgreHeader, greHeaderLength, greLength, nvgreKey, isReservedVsid } from './checked.js';
export type { GreHeader, GreFields } from './codec/gre.js';
export { TCP, TcpFlag } from './codec/tcp.js';
export { readTcp, writeTcp, checkTcp, tcpLength } from './checked.js';
export type { TcpHeader, TcpFields } from './codec/tcp.js';
export { UDP } from './codec/udp.js';
export { readUdp, writeUdp, checkUdp } from './checked.js';
export type { UdpHeader, UdpFields } from './codec/udp.js';
export { ICMP, IcmpType, Icmpv6Type } from './codec/icmp.js';
export { readIcmp, writeIcmp } from './checked.js';
export type { IcmpHeader, IcmpFields } from './codec/icmp.js';
export { computeTransportChecksum, fillTransportChecksum, transportChecksumValid, pseudoHeaderSum } from './checked.js';
export { FrameLayout, IpLayout } from './codec/layout.js';
export { walkFrame } from './checked.js';
export type { WalkOptions } from './codec/layout.js';

// Capture files: classic pcap, pcapng, streaming, and outer fragment reassembly.
export {
  readPcap,
  writePcap,
  PcapWriter,
  detectCaptureFormat,
  LINKTYPE_ETHERNET,
  DEFAULT_SNAPLEN,
  DEFAULT_MAX_RECORD_BYTES,
} from './pcap/pcap.js';
export type {
  Capture,
  CaptureInfo,
  CaptureRecord,
  CaptureRecordInput,
  CaptureTimestamp,
  CaptureInterface,
  ReadCaptureOptions,
  PcapWriteOptions,
} from './pcap/pcap.js';
export { readPcapng, writePcapng, PcapngWriter } from './pcap/pcapng.js';
export type { PcapngWriteOptions, PcapngInterfaceOptions } from './pcap/pcapng.js';
export { readCapture, readCaptureStream, CaptureStreamParser } from './pcap/capture.js';
export type { CaptureChunkSource, ByteStreamLike } from './pcap/capture.js';
export { Reassembler } from './reassembly.js';
export type { ReassemblerOptions, ReassemblyStats } from './reassembly.js';

// Conformance linting.
export { lint, LintCode, LINT_SEVERITY } from './lint.js';
export type { Finding, LintOptions, LintSeverity } from './lint.js';

// Software emulation of the NDIS NVGRE task offloads (OFFLOAD.md): Tx/Rx checksums, LSOv2, coalescing.
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
export { updateTransportChecksum16, updateTransportChecksum32 } from './checked.js';
export type {
  FillChecksumsOptions,
  SeedConvention,
  VerifyChecksumsOptions,
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

// ECMP hashing (RFC 7637 §4.1) and ECN at the tunnel egress (RFC 6040 §4.2).
export { ecmpHash } from './ecmp.js';
export type { EcmpMode } from './ecmp.js';
export { applyEcnOnDecapsulation, ecnEgress, Ecn } from './ecn.js';
export type { EcnDecapsulationResult } from './ecn.js';
