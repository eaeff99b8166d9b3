/**
 * NDIS 6.30 NVGRE task offload, emulated in software (docs/offload.md Part B): Tx checksum offload
 * ({@link fillChecksums}), Rx checksum reporting ({@link verifyChecksums}), LSOv2 through the tunnel
 * ({@link segment}, {@link segmentInto}) and its inverse ({@link coalesce}).
 */
export { fillChecksums } from './fill.js';
export type { FillChecksumsOptions, SeedConvention } from './fill.js';
export { verifyChecksums } from './verify.js';
export type { VerifyChecksumsOptions } from './verify.js';
export { segment, segmentInto, segmentPlan } from './segment.js';
export type { SegmentArrayOptions, SegmentOptions, SegmentProfile, IpIdMode, SegmentPlan } from './segment.js';
export { coalesce } from './coalesce.js';
export type { CoalesceOptions } from './coalesce.js';
export { ndisOffsetsOf } from './ndis.js';
export type { NdisEncapsulatedOffsets } from './ndis.js';
export { updateTransportChecksum16, updateTransportChecksum32 } from './incremental.js';
export { NblFlag, EncapsulatedOffloadCapability, DEFAULT_MAX_HEADER_SIZE } from './report.js';
export type { ChecksumReport, ChecksumFlags, LayerStatus, TransportProtocol, TransportReport, NblFlagsFrom } from './report.js';
