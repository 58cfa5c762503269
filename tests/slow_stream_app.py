"""A WSGI app streaming a CSV slowly, for the graceful-restart test (not a test module)."""

import time


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/csv; charset=utf-8")])

    def rows():
        yield b"n\n"
        for n in range(30):
            time.sleep(0.1)
            yield f"{n}\n".encode()

    return rows()
