"""Who is asking, for per-address limits: an IPv4 address, or the /64 network of an IPv6 one."""

from __future__ import annotations

import ipaddress

# One IPv6 customer (a home, a phone) is given a whole /64 and may use any address in it, so a
# limit counted per full IPv6 address is evaded by changing the low 64 bits on every request.
IPV6_PREFIX = 64


def address_key(remote_addr: str | None) -> str:
    """The key a per-address limit counts under: the IPv4 address, or the IPv6 /64 network."""
    text = (remote_addr or "").strip()
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)
