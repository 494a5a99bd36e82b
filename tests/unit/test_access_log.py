"""The access log never carries a chat session id (the customer's only credential)."""

from types import SimpleNamespace

from gunicorn.config import Config

from ivr.access_log import AccessLogger, mask_path


def test_session_ids_in_paths_are_masked():
    masked = mask_path("/api/chat/sessions/Zx9_abc-DEF/messages")
    assert masked == "/api/chat/sessions/[session]/messages"
    assert mask_path("/api/chat/sessions") == "/api/chat/sessions"
    assert mask_path("/voice/turn") == "/voice/turn"


def test_the_consoles_contact_keys_are_masked():
    """A desk's paths name a chat by its member key, which holds the customer's session id."""
    for path in ("/console/api/chats/chat:Zx9_abc-DEF/events",
                 "/console/api/chats/chat:Zx9_abc-DEF/messages",
                 "/console/api/contacts/chat:Zx9_abc-DEF/wrap-up",
                 "/console/api/calls/CA0123/interpreter"):
        masked = mask_path(path)
        assert "Zx9_abc-DEF" not in masked and "CA0123" not in masked
        assert "[contact]" in masked


def test_gunicorn_atoms_are_masked():
    logger = AccessLogger(Config())
    request = SimpleNamespace(method="GET", path="/api/chat/sessions/secret123/events",
                              query="", version=(1, 1), headers=[])
    response = SimpleNamespace(status="200 OK", headers=[], sent=10, response_length=10)
    environ = {"REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1",
               "RAW_URI": "/api/chat/sessions/secret123/events",
               "PATH_INFO": "/api/chat/sessions/secret123/events"}
    from datetime import timedelta

    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    assert "secret123" not in atoms["U"] and "secret123" not in atoms["r"]
