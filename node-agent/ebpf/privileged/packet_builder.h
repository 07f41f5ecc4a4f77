// Builds Ethernet frames for BPF_PROG_TEST_RUN: IPv4 (optional options, fragment bits, IHL),
// IPv6 (optional extension header), TCP/UDP/ICMP, VLAN tags, ARP and arbitrary ethertypes.
//   Bytes f = Packet().V4("10.0.0.11", "203.0.113.9").Tcp(40000, 443).Build();
#pragma once

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace c8s::ebpf::testing {

class Packet {
 public:
  Packet& V4(const std::string& src, const std::string& dst) {
    v6_ = false;
    inet_pton(AF_INET, src.c_str(), src_);
    inet_pton(AF_INET, dst.c_str(), dst_);
    return *this;
  }
  Packet& V6(const std::string& src, const std::string& dst) {
    v6_ = true;
    inet_pton(AF_INET6, src.c_str(), src_);
    inet_pton(AF_INET6, dst.c_str(), dst_);
    return *this;
  }
  Packet& Tcp(uint16_t sport, uint16_t dport) { return L4(6, sport, dport, 20); }
  Packet& Udp(uint16_t sport, uint16_t dport) { return L4(17, sport, dport, 8); }
  Packet& Icmp(uint8_t type, uint16_t id = 0x1234) {
    proto_ = v6_ ? 58 : 1;
    l4_.assign(8, 0);
    l4_[0] = type;
    l4_[4] = id >> 8;
    l4_[5] = id & 0xff;
    return *this;
  }
  Packet& Proto(uint8_t proto) {
    proto_ = proto;
    l4_.assign(8, 0);
    return *this;
  }
  Packet& TruncateL4(size_t n) {
    l4_.resize(n);
    return *this;
  }
  Packet& Ack() {  // a mid-connection TCP segment
    if (l4_.size() > 13) l4_[13] = 0x10;
    return *this;
  }
  Packet& Ihl(uint8_t ihl) {
    ihl_ = ihl;
    return *this;
  }
  // IPv4 options: `bytes`, padded with NOPs to whole words.
  Packet& OptionBytes(std::vector<uint8_t> bytes) {
    options_ = (bytes.size() + 3) / 4;
    option_bytes_ = std::move(bytes);
    return *this;
  }
  Packet& Options(size_t words) {
    options_ = words;
    return *this;
  }
  Packet& FragOff(uint16_t frag) {
    frag_ = frag;
    return *this;
  }
  Packet& V6Ext(uint8_t type) {
    v6_ext_ = type;
    return *this;
  }
  Packet& Vlan() {
    vlan_ = true;
    return *this;
  }
  Packet& HopLimit(uint8_t h) {
    hop_limit_ = h;
    return *this;
  }  // IPv4 TTL / IPv6 hop limit
  Packet& EtherType(uint16_t t) {
    ethertype_ = t;
    return *this;
  }

  std::vector<uint8_t> Build() const {
    std::vector<uint8_t> f(12, 0x02);
    auto put16 = [&f](uint16_t v) {
      f.push_back(v >> 8);
      f.push_back(v & 0xff);
    };
    if (vlan_) {
      put16(0x8100);
      put16(42);
    }
    if (ethertype_ != 0) {
      put16(ethertype_);
      f.resize(f.size() + 46, 0);
      return f;
    }
    put16(v6_ ? 0x86DD : 0x0800);
    size_t ext_len = v6_ext_ ? 8 : 0;
    if (!v6_) {
      size_t hl = 20 + options_ * 4;
      uint16_t total = static_cast<uint16_t>(hl + l4_.size());
      f.push_back(0x40 | (ihl_ ? ihl_ : static_cast<uint8_t>(hl / 4)));
      f.push_back(0);
      put16(total);
      put16(1);
      put16(frag_);
      f.push_back(hop_limit_);
      f.push_back(proto_);
      put16(0);
      f.insert(f.end(), src_, src_ + 4);
      f.insert(f.end(), dst_, dst_ + 4);
      for (size_t i = 0; i < options_ * 4; ++i)  // NOP options, or the given bytes
        f.push_back(i < option_bytes_.size() ? option_bytes_[i] : 1);
    } else {
      f.push_back(0x60);
      f.push_back(0);
      f.push_back(0);
      f.push_back(0);
      put16(static_cast<uint16_t>(l4_.size() + ext_len));
      f.push_back(v6_ext_ ? v6_ext_ : proto_);
      f.push_back(hop_limit_);
      f.insert(f.end(), src_, src_ + 16);
      f.insert(f.end(), dst_, dst_ + 16);
      if (v6_ext_) {
        f.push_back(proto_);
        f.push_back(0);
        f.resize(f.size() + 6, 0);
      }
    }
    f.insert(f.end(), l4_.begin(), l4_.end());
    return f;
  }

 private:
  Packet& L4(uint8_t proto, uint16_t sport, uint16_t dport, size_t len) {
    proto_ = proto;
    l4_.assign(len, 0);
    l4_[0] = sport >> 8;
    l4_[1] = sport & 0xff;
    l4_[2] = dport >> 8;
    l4_[3] = dport & 0xff;
    if (proto == 6) {
      l4_[12] = 0x50;
      l4_[13] = 0x02;  // SYN: the first packet of a connection
    }
    return *this;
  }
  bool v6_ = false, vlan_ = false;
  uint8_t src_[16] = {}, dst_[16] = {};
  uint8_t proto_ = 6, ihl_ = 0, v6_ext_ = 0, hop_limit_ = 64;
  size_t options_ = 0;
  std::vector<uint8_t> option_bytes_;
  uint16_t frag_ = 0, ethertype_ = 0;
  std::vector<uint8_t> l4_;
};

}  // namespace c8s::ebpf::testing
