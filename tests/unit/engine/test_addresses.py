"""Per-address limits count an IPv6 customer by their /64, not by each address in it."""

from engine.addresses import address_key


def test_every_address_in_one_ipv6_64_is_one_key():
    """Changing the low 64 bits does not give a fresh allowance."""
    keys = {address_key(f"2001:db8:1:2::{n:x}") for n in range(1, 200)}
    assert keys == {"2001:db8:1:2::/64"}


def test_two_ipv6_64s_are_two_keys():
    """Neighbouring /64s are different customers."""
    assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")


def test_ipv4_and_ipv4_mapped_are_the_same_address():
    """An IPv4 client seen through a dual-stack socket counts as itself."""
    assert address_key("203.0.113.7") == "203.0.113.7"
    assert address_key("::ffff:203.0.113.7") == "203.0.113.7"


def test_missing_or_malformed_addresses_share_one_key():
    """Nothing unparseable escapes the limit by being unparseable."""
    assert address_key(None) == address_key("") == address_key("not an address") == "unknown"
