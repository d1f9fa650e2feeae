# Generates the fragmented vectors of LowPanDecodeTests with scapy (Debian: python3-scapy), independently of ShortRange.
# scapy builds the 802.15.4 and RFC 4944 FRAG1/FRAGN headers and the IPHC header; scapy's own sixlowpan_fragment() is
# not used because it puts the IPv6 header in FRAG1 without a dispatch byte. Run: /usr/bin/python3 lowpan_fragments.py
from scapy.all import conf, raw
from scapy.layers.dot15d4 import Dot15d4, Dot15d4Data
from scapy.layers.sixlowpan import *
from scapy.layers.inet6 import IPv6, UDP
from scapy.packet import Raw
conf.dot15d4_protocol = "sixlowpan"
def mac(seq):
    return Dot15d4(fcf_frametype=1, fcf_panidcompress=1, fcf_destaddrmode=3, fcf_srcaddrmode=3, seqnum=seq)/Dot15d4Data(dest_panid=0xbeef, dest_addr=0x0011223344556677, src_addr=0x8899aabbccddeeff)
payload = bytes((i * 7) & 0xff for i in range(150))
ip = IPv6(src="fe80::8a99:aabb:ccdd:eeff", dst="fe80::211:2233:4455:6677", hlim=64)/UDP(sport=61616, dport=5683)/Raw(payload)
ipb = raw(ip)
print("ipv6", len(ipb), ipb.hex())
def fr(seq, tag, start, end, first_bytes=None):
    if start == 0:
        return mac(seq)/LoWPANFragmentationFirst(datagramTag=tag, datagramSize=len(ipb))/Raw(first_bytes)
    return mac(seq)/LoWPANFragmentationSubsequent(datagramTag=tag, datagramSize=len(ipb), datagramOffset=start//8)/Raw(ipb[start:end])
for name, f in [("u0", fr(20, 0x1234, 0, 88, b'\x41' + ipb[:88])), ("u1", fr(21, 0x1234, 88, 168)), ("u2", fr(22, 0x1234, 168, 198))]:
    print(name, len(raw(f)), raw(f).hex())
c = raw(LoWPAN_IPHC(tf=3, hlim=2, sam=3, dam=3)/ip)
hdr = len(c) - (len(ipb) - 40)
for name, f in [("c0", fr(30, 0x0777, 0, 96, c[:hdr] + ipb[40:96])), ("c1", fr(31, 0x0777, 96, 176)), ("c2", fr(32, 0x0777, 176, 198))]:
    print(name, len(raw(f)), raw(f).hex())
