"""The customer channels: the phone (voice), webchat, the forms and the national mailbox."""
