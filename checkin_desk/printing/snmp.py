"""The one SNMP exchange the desk needs: an SNMPv1 GET of a single value, over UDP.

Brother QL printers on the network answer nothing on port 9100; their status is the same 32 bytes
as the USB status reply, read from SNMP (`BROTHER_QL_STATUS_OID`, Brother's private tree, as
Brother's own label utility asks for it). A whole SNMP library (pysnmp: asyncio, MIB compiler) for
one GET is not worth its weight; the messages are small BER structures (RFC 1157), written here and
checked in the tests against pyasn1's decoder.
"""

from __future__ import annotations

import itertools
import os
import socket

from checkin_desk.errors import CheckinDeskError

BROTHER_QL_STATUS_OID = "1.3.6.1.4.1.2435.3.3.9.1.6.1.0"
GET_REQUEST, GET_RESPONSE = 0xA0, 0xA2
INTEGER, OCTET_STRING, NULL, OID, SEQUENCE = 0x02, 0x04, 0x05, 0x06, 0x30
NO_SUCH_NAME = 2

_request_ids = itertools.count(int.from_bytes(os.urandom(2), "big"))


class SnmpError(CheckinDeskError, ValueError):
    """An answer that is not the SNMP reply to our request."""


# -- BER ------------------------------------------------------------------------------------------


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + _length(len(value)) + value


def integer(n: int) -> bytes:
    return tlv(INTEGER, n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big", signed=True))


def oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    body = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body += bytes(reversed(chunk))
    return tlv(OID, bytes(body))


def read_tlv(data: bytes, at: int = 0) -> tuple[int, bytes, int]:
    """(tag, value, offset after it) of the element at `at`; SnmpError when it is cut short."""
    if at + 2 > len(data):
        raise SnmpError("truncated SNMP message")
    tag, n, at = data[at], data[at + 1], at + 2
    if n & 0x80:
        size = n & 0x7F
        if size == 0 or size > 4 or at + size > len(data):
            raise SnmpError("bad length in SNMP message")
        n, at = int.from_bytes(data[at : at + size], "big"), at + size
    if at + n > len(data):
        raise SnmpError("truncated SNMP message")
    return tag, data[at : at + n], at + n


def read_oid(value: bytes) -> str:
    if not value:
        raise SnmpError("empty OID")
    arcs = [value[0] // 40, value[0] % 40]
    arc = 0
    for b in value[1:]:
        arc = (arc << 7) | (b & 0x7F)
        if not b & 0x80:
            arcs.append(arc)
            arc = 0
    return ".".join(map(str, arcs))


def _elements(data: bytes) -> list[tuple[int, bytes]]:
    out, at = [], 0
    while at < len(data):
        tag, value, at = read_tlv(data, at)
        out.append((tag, value))
    return out


# -- messages -------------------------------------------------------------------------------------


def message(pdu_type: int, request_id: int, name: str, value: bytes, community: str, error: int = 0) -> bytes:
    varbind = tlv(SEQUENCE, oid(name) + value)
    pdu = tlv(pdu_type, integer(request_id) + integer(error) + integer(0) + tlv(SEQUENCE, varbind))
    return tlv(SEQUENCE, integer(0) + tlv(OCTET_STRING, community.encode()) + pdu)


def get_request(name: str, request_id: int, community: str = "public") -> bytes:
    return message(GET_REQUEST, request_id, name, tlv(NULL, b""), community)


def read_message(data: bytes) -> tuple[int, str, int, int, str, tuple[int, bytes]]:
    """(pdu type, community, request id, error status, OID, (value tag, value)) of one message."""
    tag, body, _ = read_tlv(data)
    if tag != SEQUENCE:
        raise SnmpError("not an SNMP message")
    parts = _elements(body)
    if len(parts) != 3 or parts[0][0] != INTEGER or parts[1][0] != OCTET_STRING:
        raise SnmpError("not an SNMPv1 message")
    pdu_type, pdu = parts[2]
    fields = _elements(pdu)
    if len(fields) != 4 or fields[3][0] != SEQUENCE:
        raise SnmpError("not an SNMP PDU")
    request_id = int.from_bytes(fields[0][1], "big", signed=True)
    error = int.from_bytes(fields[1][1], "big", signed=True)
    varbinds = _elements(fields[3][1])
    if not varbinds:
        raise SnmpError("no value in the SNMP message")
    first = _elements(varbinds[0][1])
    if len(first) != 2 or first[0][0] != OID:
        raise SnmpError("bad variable binding in the SNMP message")
    return pdu_type, parts[1][1].decode("latin-1"), request_id, error, read_oid(first[0][1]), first[1]


def get(host: str, port: int, name: str, *, timeout: float, community: str = "public") -> bytes | None:
    """The octet string at `name`, or None when nothing answered within `timeout` (SNMP switched off,
    a firewall, no such host). SnmpError when the printer answered but not with that value."""
    request_id = next(_request_ids) & 0x7FFFFFFF
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect((host, port))
            sock.send(get_request(name, request_id, community))
            while True:
                answer = sock.recv(2048)
                pdu_type, _community, got_id, error, got_name, (tag, value) = read_message(answer)
                if got_id == request_id:
                    break  # a late answer to an earlier request is skipped
        except (TimeoutError, ConnectionRefusedError):
            return None
        except OSError:
            return None  # unreachable network or host: the print path's own connect says so
    if pdu_type != GET_RESPONSE or error or got_name != name or tag != OCTET_STRING:
        raise SnmpError(f"the printer has no value at {name} (SNMP error {error})")
    return value
