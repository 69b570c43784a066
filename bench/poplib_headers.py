#!/usr/bin/env python3
"""The baseline: Python's poplib fetching every header of a mailbox in one session.

Does what pop3-headers-bench does (log in, UIDL + LIST, TOP n 0 for each message, QUIT) and prints
one JSON line per run. Usage: POP3GW_PASSWORD=... poplib_headers.py HOST PORT USER CAFILE RUNS
"""
import json
import os
import poplib
import ssl
import sys
import time


def fetch_all_headers(host, port, user, password, context):
    session = poplib.POP3_SSL(host, port, context=context)
    session.user(user)
    session.pass_(password)
    session.uidl()
    _, listing, _ = session.list()
    header_bytes = 0
    for entry in listing:
        number = int(entry.split()[0])
        _, lines, _ = session.top(number, 0)
        header_bytes += sum(len(line) + 2 for line in lines)
    session.quit()
    return len(listing), header_bytes


def main():
    host, port, user, cafile, runs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    context = ssl.create_default_context(cafile=cafile)
    password = os.environ["POP3GW_PASSWORD"]
    for _ in range(runs):
        start = time.perf_counter()
        messages, header_bytes = fetch_all_headers(host, port, user, password, context)
        seconds = time.perf_counter() - start
        print(json.dumps({"seconds": seconds, "messages": messages, "headerBytes": header_bytes}))


if __name__ == "__main__":
    main()
