import type { Decapsulated } from '../../src/index.js';

/** A decapsulation result as plain data (its getters read once), for comparing results. */
export function decapsulatedFields(d: Decapsulated) {
  return {
    vsid: d.vsid,
    flowId: d.flowId,
    key: d.key,
    innerOffset: d.innerOffset,
    innerLength: d.innerLength,
    inner: d.inner,
    outer: d.outer,
    dropReasons: [...d.dropReasons],
    priorityTag: d.priorityTag,
  };
}
