# Scapy baseline for bench/scapy.mjs: builds and parses the same NVGRE frame N times, in ROUNDS
# samples of N / ROUNDS each (as the JavaScript side takes the median of several samples), and prints
# "<median builds per second> <median parses per second> <frame length>".
# Run with Debian's python3-scapy (/usr/bin/python3).
import statistics, sys, time
from scapy.all import Ether, IP, GRE, TCP, Raw, conf

conf.verb = 0
n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
per_round = max(1, n // rounds)
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

def rate(f):
    t0 = time.perf_counter()
    for _ in range(per_round):
        f()
    return per_round / (time.perf_counter() - t0)

build_rates, parse_rates = [], []
for _ in range(rounds):
    build_rates.append(rate(build))
    parse_rates.append(rate(parse))
print(statistics.median(build_rates), statistics.median(parse_rates), len(raw))
