#!/usr/bin/env python3
"""smtp_stall.py — an SMTP server (aiosmtpd) that stalls on cue, for the
forward crash test (tests/server/forward_crash.sh).

    smtp_stall.py PORT MAILDIR CUEDIR

Mails it takes go into the Maildir MAILDIR (as aiosmtpd's Mailbox handler).
Before each mail it reads CUEDIR/mode (one word, then consumed):
  data   take the mail (it is in MAILDIR), write CUEDIR/cue, then hold the
         answer to the final "." until the client is gone (killed): the
         mail was accepted, the client never hears it;
  rcpt   write CUEDIR/cue at RCPT TO and hold the answer: the client is
         killed before it sends the mail, which is never taken;
  slow:N hold the final "." for N seconds, then take the mail and answer
         250 (a slow server: the client must keep its lease meanwhile).
With no mode file every mail is taken at once.
"""
import asyncio
import mailbox
import os
import sys
import threading
import time

from aiosmtpd.controller import Controller


def log(msg):
    print("%.1f %s" % (time.time(), msg), file=sys.stderr, flush=True)


class Stall:
    def __init__(self, maildir, cuedir):
        self.box = mailbox.Maildir(maildir, create=True)
        self.cuedir = cuedir
        self.mode = ""

    def _take_mode(self):
        p = os.path.join(self.cuedir, "mode")
        try:
            with open(p) as f:
                mode = f.read().strip()
            os.unlink(p)
        except FileNotFoundError:
            mode = ""
        return mode

    def _cue(self):
        p = os.path.join(self.cuedir, "cue")
        with open(p + ".tmp", "w") as f:
            f.write("cue\n")
        os.rename(p + ".tmp", p)

    async def _hold(self, server, seconds):
        """Waits `seconds`, or until the client's connection is closed."""
        for _ in range(int(seconds * 10)):
            transport = getattr(server, "transport", None)
            if transport is None or transport.is_closing():
                return
            await asyncio.sleep(0.1)

    async def handle_MAIL(self, server, session, envelope, address, options):
        self.mode = self._take_mode()
        log("MAIL from %s:%d, mode %r" % (session.peer[0], session.peer[1], self.mode))
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.mode == "rcpt":
            self._cue()
            await self._hold(server, 600)
            return "451 gone"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        mode = self.mode
        log("DATA from %s:%d, mode %r" % (session.peer[0], session.peer[1], mode))
        if mode.startswith("slow:"):
            await asyncio.sleep(float(mode[5:]))
        self.box.add(envelope.original_content or envelope.content)
        log("taken from %s:%d" % (session.peer[0], session.peer[1]))
        if mode == "data":
            self._cue()
            await self._hold(server, 600)
        return "250 Message accepted for delivery"


def main():
    port, maildir, cuedir = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    handler = Stall(maildir, cuedir)
    ctl = Controller(handler, hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        threading.Event().wait()
    finally:
        ctl.stop()


if __name__ == "__main__":
    main()
