# Scapy baseline for bench/scapy.mjs: builds and parses the same NVGRE frame N times and prints
# "<builds per second> <parses per second>". Run with Debian's python3-scapy (/usr/bin/python3).
import sys, time
from scapy.all import Ether, IP, GRE, TCP, Raw, conf

conf.verb = 0
n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
payload = bytes((i * 31 + 7) & 0xff for i in range(1446))

def build():
    return bytes(
        Ether(src='00:1d:d8:b7:1c:01', dst='00:1d:d8:b7:1c:02')
        / IP(src='192.0.2.10', dst='198.51.100.20', flags='DF')
        / GRE(key_present=1, key=0x12345642, proto=0x6558)
        / Ether(src='52:54:00:00:00:01', dst='52:54:00:00:00:02')
        / IP(src='10.0.0.1', dst='10.0.0.2')
        / TCP(sport=40000, dport=443, seq=1, ack=1, flags='PA')
        / Raw(payload)
    )

raw = build()
t0 = time.perf_counter()
for _ in range(n):
    build()
t1 = time.perf_counter()
for _ in range(n):
    p = Ether(raw)
    p[GRE].key
    p[TCP].sport
t2 = time.perf_counter()
print(n / (t1 - t0), n / (t2 - t1), len(raw))
