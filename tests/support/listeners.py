"""The TCP addresses a group of processes listens on, read from /proc (Linux)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

LISTEN = "0A"  # the TCP state LISTEN in /proc/net/tcp


def _descendants(root: int) -> set[int]:
    """`root` and every process started under it (make run's children have their own sessions)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces or brackets: the fields after the last ')' are fixed.
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return tree


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        pass
    return inodes


def _address(hex_address: str, family: str) -> str:
    raw = bytes.fromhex(hex_address)
    if family == "tcp":
        return str(ipaddress.IPv4Address(raw[::-1]))
    # IPv6 is four little-endian 32-bit words.
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
    return str(ipaddress.IPv6Address(words))


def listening_addresses(root: int) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket `root` or a process under it listens on."""
    inodes = set().union(*(_socket_inodes(pid) for pid in _descendants(root)))
    found = set()
    for family in ("tcp", "tcp6"):
        lines = Path(f"/proc/net/{family}").read_text().splitlines()[1:]
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == LISTEN and inode in inodes:
                address, port = local.split(":")
                found.add((_address(address, family), int(port, 16)))
    return found


def not_loopback(addresses: set[tuple[str, int]]) -> set[tuple[str, int]]:
    """The addresses reachable from another machine (any, or a non-loopback address)."""
    return {(a, p) for a, p in addresses if not ipaddress.ip_address(a).is_loopback}
