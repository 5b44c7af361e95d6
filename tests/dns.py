"""A DNS server for tests: answers TXT and MX queries from dicts over real UDP, NXDOMAIN for any other name."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


class DnsServer:
    def __init__(self) -> None:
        #: name (no trailing dot) -> the texts of its TXT records
        self.txt: dict[str, list[str]] = {}
        #: name (no trailing dot) -> its MX records, as (preference, host)
        self.mx: dict[str, list[tuple[int, str]]] = {}
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.socket.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                data, peer = self.socket.recvfrom(4096)
            except OSError:
                return  # closed
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            question = query.question[0]
            name = question.name.to_text().rstrip(".").lower()
            if name not in self.txt and name not in self.mx:
                response.set_rcode(dns.rcode.NXDOMAIN)
            elif question.rdtype == dns.rdatatype.TXT and self.txt.get(name):
                response.answer.append(dns.rrset.from_text_list(
                    question.name, 60, "IN", "TXT", [f'"{text}"' for text in self.txt[name]]))
            elif question.rdtype == dns.rdatatype.MX and self.mx.get(name):
                response.answer.append(dns.rrset.from_text_list(
                    question.name, 60, "IN", "MX", [f"{preference} {host}." for preference, host in self.mx[name]]))
            self.socket.sendto(response.to_wire(), peer)

    @contextmanager
    def running(self) -> Iterator[DnsServer]:
        self._thread.start()
        try:
            yield self
        finally:
            self.socket.close()
