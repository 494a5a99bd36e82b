"""The enquiry form (placeholder until the written-enquiries queue lands)."""
