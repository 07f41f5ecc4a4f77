/* Packet parsing for the TC programs: Ethernet, IPv4 (options skipped by IHL, source routes
 * refused), IPv6 (a short, bounded walk over hop-by-hop and destination-options headers;
 * routing headers refused), TCP/UDP ports, ICMP.
 * Returns 0 with *f filled, or the C8S_R_* reason that decides the packet right away.
 *   struct c8s_flow f = {};
 *   __u32 r = c8s_parse(skb, &f);
 */
#ifndef C8S_BPF_PARSE_H_
#define C8S_BPF_PARSE_H_

#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "bpf/shared/c8s_consts.h"

#define C8S_ETH_P_IP 0x0800
#define C8S_ETH_P_IPV6 0x86DD
#define C8S_ETH_P_ARP 0x0806
#define C8S_ETH_P_8021Q 0x8100
#define C8S_ETH_P_8021AD 0x88A8
#define C8S_IP_MF 0x2000
#define C8S_IP_OFFSET 0x1FFF
#define C8S_V6_MAX_EXT 4

struct c8s_flow {
  __u8 family;
  __u8 proto;
  __u8 icmp_type;
  __u8 syn; /* TCP SYN without ACK: the first packet of a connection */
  __u8 hop_limit; /* IPv6 hop limit / IPv4 TTL as the packet has it here */
  __u16 sport; /* network order; ICMP echo: identifier */
  __u16 dport; /* network order; ICMP echo: identifier */
  __u32 saddr[4];
  __u32 daddr[4];
};

/* Reads ports (or the ICMP type/identifier) at l4; 0 or C8S_R_DENY_MALFORMED. */
static __always_inline __u32 c8s_parse_l4(void *l4, void *end, struct c8s_flow *f) {
  if (f->proto == C8S_PROTO_TCP || f->proto == C8S_PROTO_UDP) {
    __u16 *ports = l4;
    if ((void *)(ports + 2) > end) return C8S_R_DENY_MALFORMED;
    if (f->proto == C8S_PROTO_TCP && (void *)((__u8 *)l4 + 20) > end) return C8S_R_DENY_MALFORMED;
    if (f->proto == C8S_PROTO_UDP && (void *)((__u8 *)l4 + 8) > end) return C8S_R_DENY_MALFORMED;
    f->sport = ports[0];
    f->dport = ports[1];
    if (f->proto == C8S_PROTO_TCP) f->syn = (((__u8 *)l4)[13] & 0x12) == 0x02;
  } else if (f->proto == C8S_PROTO_ICMP || f->proto == C8S_PROTO_ICMPV6) {
    __u8 *icmp = l4;
    if ((void *)(icmp + 8) > end) return C8S_R_DENY_MALFORMED;
    f->icmp_type = icmp[0];
    __u16 id = *(__u16 *)(icmp + 4);
    int echo = f->proto == C8S_PROTO_ICMP ? (icmp[0] == 8 || icmp[0] == 0)
                                          : (icmp[0] == 128 || icmp[0] == 129);
    if (echo) {
      f->sport = id;
      f->dport = id;
    }
  }
  return 0;
}

/* IPv4 options are skipped, except source routes (LSRR 131, SSRR 137): they carry the
 * packet's real destination inside it, where the policy never looks. 0 or the deny reason. */
static __always_inline __u32 c8s_v4_options(__u8 *opt, __u32 len, void *end) {
  __u32 off = 0;
  for (int i = 0; i < 40; i++) { /* options are at most 40 bytes, each at least one */
    if (off >= len || off >= 40) return 0;
    __u8 *p = opt + off;
    if ((void *)(p + 1) > end) return C8S_R_DENY_MALFORMED;
    __u8 type = p[0];
    if (type == 0) return 0; /* end of options */
    if (type == 1) {         /* no-operation */
      off += 1;
      continue;
    }
    if (type == 131 || type == 137) return C8S_R_DENY_SOURCE_ROUTE;
    if ((void *)(p + 2) > end) return C8S_R_DENY_MALFORMED;
    __u8 olen = p[1];
    if (olen < 2) return C8S_R_DENY_MALFORMED;
    off += olen;
  }
  return 0;
}

static __always_inline __u32 c8s_parse_v4(void *l3, void *end, struct c8s_flow *f) {
  struct iphdr *ip = l3;
  if ((void *)(ip + 1) > end) return C8S_R_DENY_MALFORMED;
  if (ip->version != 4 || ip->ihl < 5) return C8S_R_DENY_MALFORMED;
  if (ip->frag_off & bpf_htons(C8S_IP_MF | C8S_IP_OFFSET)) return C8S_R_DENY_FRAGMENT;
  f->family = C8S_FAM_V4;
  f->proto = ip->protocol;
  f->hop_limit = ip->ttl;
  f->saddr[0] = ip->saddr;
  f->daddr[0] = ip->daddr;
  void *l4 = (__u8 *)l3 + ip->ihl * 4;
  if (l4 > end) return C8S_R_DENY_MALFORMED;
  if (ip->ihl > 5) {
    __u32 r = c8s_v4_options((__u8 *)(ip + 1), (__u32)ip->ihl * 4 - 20, end);
    if (r) return r;
  }
  return c8s_parse_l4(l4, end, f);
}

static __always_inline __u32 c8s_parse_v6(void *l3, void *end, struct c8s_flow *f) {
  struct ipv6hdr *ip6 = l3;
  if ((void *)(ip6 + 1) > end) return C8S_R_DENY_MALFORMED;
  if (ip6->version != 6) return C8S_R_DENY_MALFORMED;
  f->family = C8S_FAM_V6;
  f->hop_limit = ip6->hop_limit;
  __builtin_memcpy(f->saddr, &ip6->saddr, 16);
  __builtin_memcpy(f->daddr, &ip6->daddr, 16);
  __u8 next = ip6->nexthdr;
  __u8 *p = (__u8 *)(ip6 + 1);
#pragma unroll
  for (int i = 0; i < C8S_V6_MAX_EXT; i++) {
    if (next == 44) return C8S_R_DENY_FRAGMENT;
    if (next == 43) return C8S_R_DENY_SOURCE_ROUTE; /* routing header: the real destination */
    if (next != 0 && next != 60) break;
    if ((void *)(p + 2) > end) return C8S_R_DENY_MALFORMED;
    next = p[0];
    p += (p[1] + 1) * 8;
  }
  if (next == 44) return C8S_R_DENY_FRAGMENT;
  if (next != C8S_PROTO_TCP && next != C8S_PROTO_UDP && next != C8S_PROTO_ICMPV6)
    return C8S_R_DENY_IPV6_EXT;
  if ((void *)p > end) return C8S_R_DENY_MALFORMED;
  f->proto = next;
  return c8s_parse_l4(p, end, f);
}

/* 0: IP packet parsed into *f. Otherwise the verdict reason (ARP allowed, the rest denied). */
static __always_inline __u32 c8s_parse(struct __sk_buff *skb, struct c8s_flow *f) {
  /* Headers of a non-linear skb may sit in fragments: make up to 128 bytes directly readable. */
  __u32 linear = skb->data_end - skb->data;
  if (linear < 128 && linear < skb->len) bpf_skb_pull_data(skb, skb->len < 128 ? skb->len : 128);
  /* Keep clang from folding ctx offsets into the pointer (the verifier rejects ctx+off). */
  asm volatile("" : "+r"(skb));
  void *data = (void *)(long)skb->data;
  asm volatile("" : "+r"(skb));
  void *end = (void *)(long)skb->data_end;
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > end) return C8S_R_DENY_MALFORMED;
  __u16 proto = bpf_ntohs(eth->h_proto);
  if (proto == C8S_ETH_P_8021Q || proto == C8S_ETH_P_8021AD) return C8S_R_DENY_VLAN;
  if (proto == C8S_ETH_P_ARP) return C8S_R_ALLOW_ARP;
  if (proto == C8S_ETH_P_IP) return c8s_parse_v4(eth + 1, end, f);
  if (proto == C8S_ETH_P_IPV6) return c8s_parse_v6(eth + 1, end, f);
  return C8S_R_DENY_NON_IP;
}

#endif /* C8S_BPF_PARSE_H_ */
