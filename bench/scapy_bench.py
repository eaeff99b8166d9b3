# Scapy baseline for bench/scapy.mjs: builds and parses the same NVGRE frame as the JavaScript side.
# Serves rounds on request, so that the benchmark alternates Scapy's rounds with its own: for each
# line "N" read on stdin it builds N frames, then parses N, and prints
# "<builds per second> <parses per second> <frame length>". Ends at end of input.
# Run with Debian's python3-scapy (/usr/bin/python3).
import sys, time
from scapy.all import Ether, IP, GRE, TCP, Raw, conf

conf.verb = 0
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

def parse():
    p = Ether(raw)
    p[GRE].key
    p[TCP].sport

def rate(f, n):
    t0 = time.perf_counter()
    for _ in range(n):
        f()
    return n / (time.perf_counter() - t0)

for _ in range(20):  # warm-up
    parse(); build()
print('ready', flush=True)
for line in sys.stdin:
    n = int(line)
    print(rate(build, n), rate(parse, n), len(raw), flush=True)
