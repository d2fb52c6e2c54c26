#!/usr/bin/env python3
"""Opens N keep-alive connections to HOST:PORT, sends one GET on each and reads the answer, then
holds them all idle until STOP_FILE exists (or HOLD seconds pass). Prints 'OPEN n ERRORS e' once all
connections are set up. Used by bench/run.sh for scenario (e)."""
import asyncio
import os
import resource
import sys


async def main(host, port, n, target, host_header, stop_file, hold):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n + 1024
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard) if hard != resource.RLIM_INFINITY else want, hard))
    req = f"GET {target} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: idle-bench\r\n\r\n".encode()
    sem = asyncio.Semaphore(200)
    conns = []

    async def one():
        async with sem:
            r, w = await asyncio.wait_for(asyncio.open_connection(host, port), 10)
            w.write(req)
            await w.drain()
            head = await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 10)
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
            await asyncio.wait_for(r.readexactly(length), 10)
            conns.append((r, w))

    results = await asyncio.gather(*(one() for _ in range(n)), return_exceptions=True)
    errors = [x for x in results if isinstance(x, BaseException)]
    print(f"OPEN {len(conns)} ERRORS {len(errors)}" + (f" FIRST {errors[0]!r}" if errors else ""), flush=True)
    waited = 0.0
    while not os.path.exists(stop_file) and waited < hold:
        await asyncio.sleep(0.2)
        waited += 0.2
    # count how many the server closed meanwhile (idle timeouts)
    closed = sum(1 for r, _ in conns if r.at_eof())
    print(f"CLOSED_BY_SERVER {closed}", flush=True)
    for _, w in conns:
        w.close()


if __name__ == "__main__":
    h, p, n, target, host_header, stop_file = sys.argv[1:7]
    hold = float(sys.argv[7]) if len(sys.argv) > 7 else 120
    asyncio.run(main(h, int(p), int(n), target, host_header, stop_file, hold))
