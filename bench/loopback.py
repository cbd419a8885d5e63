#!/usr/bin/env python3
"""TCP throughput over the loopback interface (the "link" of a one-machine standalone cluster): one sender, one
receiver, 1 GiB in 4 MiB writes. Prints {"bytes_per_sec": ...}."""
import json
import socket
import threading
import time

TOTAL = 1 << 30
CHUNK = 4 << 20


def receive(server, out):
    conn, _ = server.accept()
    got = 0
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    while got < TOTAL:
        n = conn.recv_into(view)
        if n == 0:
            break
        got += n
    out["got"] = got
    conn.close()


def main():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    out = {}
    t = threading.Thread(target=receive, args=(server, out))
    t.start()
    client = socket.create_connection(server.getsockname())
    data = b"\0" * CHUNK
    start = time.perf_counter()
    for _ in range(TOTAL // CHUNK):
        client.sendall(data)
    client.close()
    t.join()
    seconds = time.perf_counter() - start
    print(json.dumps({"bytes": out["got"], "seconds": seconds, "bytes_per_sec": out["got"] / seconds}))


if __name__ == "__main__":
    main()
