#!/usr/bin/env python3
"""Machine-wide CPU use, to tell whether other processes shared the machine.

busy.py wait         wait (up to 20 min) until the machine is quiet: < 0.25 cores busy over 5 s
busy.py mark FILE    remember the CPU counters now
busy.py since FILE   print the cores busy (all processes) since mark
"""
import sys, time, os
HZ = os.sysconf('SC_CLK_TCK')
def counters():
    f = open('/proc/stat').readline().split()[1:]
    v = list(map(int, f))
    idle = v[3] + v[4]
    return sum(v) - idle, time.time()
cmd = sys.argv[1]
if cmd == 'wait':
    end = time.time() + 1200
    while True:
        b0, t0 = counters(); time.sleep(5); b1, t1 = counters()
        cores = (b1 - b0) / HZ / (t1 - t0)
        if cores < 0.25 or time.time() > end:
            print(f"machine busy {cores:.2f} cores before the run", file=sys.stderr)
            break
elif cmd == 'mark':
    b, t = counters(); open(sys.argv[2], 'w').write(f"{b} {t}")
elif cmd == 'since':
    b0, t0 = map(float, open(sys.argv[2]).read().split()); b1, t1 = counters()
    print(f"{(b1 - b0) / HZ / (t1 - t0):.3f}")
