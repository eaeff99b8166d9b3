/**
 * Why an endpoint drops a packet (docs/nve.md §7): every drop carries one of these stable codes (or a
 * code of the strict receiver's drop table, docs/nvgre.md §4) and a sentence an operator can act on.
 */
import { NvgreErrorCode } from '../wire/errors.js';

export interface DropCodeInfo {
  /** What the code means. */
  readonly meaning: string;
  /** What to change so that the packet goes through. */
  readonly fix: string;
}

/** The NVE's own drop codes, with what each means and what fixes it. */
export const NVE_DROP_CODES = {
  [NvgreErrorCode.NO_CUSTOMER_ROUTE]: {
    meaning: 'no customer route of the sending VM’s routing domain covers the destination address',
    fix: 'add a customer route (New-NetVirtualizationCustomerRoute) for the prefix to the routing domain, or a 0.0.0.0/0 route to a gateway; VSIDs of different routing domains never reach each other',
  },
  [NvgreErrorCode.NO_LOOKUP_RECORD]: {
    meaning: 'no lookup record maps the target customer address (or the sending VM) in its virtual subnet to a provider address',
    fix: 'add the lookup record (New-NetVirtualizationLookupRecord) on every host, or a GatewayWildcard record for addresses behind a gateway',
  },
  [NvgreErrorCode.NO_PROVIDER_ROUTE]: {
    meaning:
      'the destination PA is on none of this host’s PA subnets and no provider route covers it: the packet cannot be sent (Windows reports this as "General Transmit Failure")',
    fix: 'give the PA network a provider route or a default gateway (New-NetVirtualizationProviderRoute -DestinationPrefix 0.0.0.0/0 -NextHop <router on the PA subnet>)',
  },
  [NvgreErrorCode.NO_NEXT_HOP_MAC]: {
    meaning: 'the next hop towards the destination PA has no MAC in the host’s underlay neighbour table',
    fix: 'add the next hop (the router, or the peer PA) to the host’s neighbors in the policy',
  },
  [NvgreErrorCode.POLICY_MISMATCH]: {
    meaning:
      'a received packet matches no lookup record of this host: its VSID names no virtual subnet here, or its inner destination is not a VM behind the PA it was sent to (HNV raises a policy-mismatch notification and answers ICMP 3/10)',
    fix: 'check that both hosts read the GRE key in the same layout (keyLayout; KB2779768) and that the sender’s lookup record for the destination names this host’s PA',
  },
  [NvgreErrorCode.SOURCE_MISMATCH]: {
    meaning: 'the inner source address does not belong behind the outer source PA (or a sending VM’s record is not on this host)',
    fix: 'correct the lookup record of the source VM (its PA must be its host’s), or add a GatewayWildcard record for a gateway that forwards traffic from other addresses',
  },
  [NvgreErrorCode.UNSUPPORTED_RULE]: {
    meaning: 'the target lookup record’s rule is not encapsulation: TranslationMethodNat (IP rewrite) is outside this model, and TranslationMethodNone records only answer ARP',
    fix: 'use Rule TranslationMethodEncap for the record, or expect the packet to fail as it does on Windows (a ping to the distributed router’s address goes unanswered)',
  },
} as const satisfies Record<string, DropCodeInfo>;

export type NveDropCode = keyof typeof NVE_DROP_CODES;
