# Generates the single-frame vectors of LowPanDecodeTests with scapy (Debian: python3-scapy), independently of ShortRange.
# Run: /usr/bin/python3 lowpan_single_frames.py
from scapy.all import conf, raw
from scapy.layers.dot15d4 import Dot15d4, Dot15d4Data
from scapy.layers.sixlowpan import LoWPAN_IPHC
from scapy.layers.inet6 import IPv6, UDP, ICMPv6EchoRequest
from scapy.packet import Raw
conf.dot15d4_protocol = "sixlowpan"
def mac(seq, dst=0x0011223344556677, dmode=3):
    return Dot15d4(fcf_frametype=1, fcf_panidcompress=1, fcf_destaddrmode=dmode, fcf_srcaddrmode=3, seqnum=seq)/Dot15d4Data(dest_panid=0xbeef, dest_addr=dst, src_addr=0x8899aabbccddeeff)
# IPHC: TF=3, NH inline, HLIM=64, SAM=DAM=3 (addresses from the MAC addresses), UDP uncompressed
ip = IPv6(src="fe80::8a99:aabb:ccdd:eeff", dst="fe80::211:2233:4455:6677", hlim=64)/UDP(sport=61616, dport=5683)/Raw(b"hello")
print("frame1", raw(mac(7)/LoWPAN_IPHC(tf=3, hlim=2, sam=3, dam=3)/ip).hex())
print("ipv6-1", raw(ip).hex())
# ICMPv6 echo request to ff02::1 (M=1, DAM=3: one inline byte), broadcast MAC destination
ip3 = IPv6(src="fe80::8a99:aabb:ccdd:eeff", dst="ff02::1", hlim=255)/ICMPv6EchoRequest(id=0x1234, seq=1, data=b"ping")
print("frame3", raw(mac(9, dst=0xffff, dmode=2)/LoWPAN_IPHC(tf=3, hlim=3, sam=3, m=1, dam=3)/ip3).hex())
print("ipv6-3", raw(ip3).hex())
