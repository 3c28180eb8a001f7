"""The simulation's one clock: simulated time runs `speed` times faster than the host's, from
`start` (a datetime, UTC) at host time `wall0`. The meters' telegrams are paced by it, the
sim board's clock (FORDEL_SIM_CLOCK "START:SPEED:WALL") and the ingest server's answer
time are read from it, so a record's collector time and the meter's own clock agree unless
a fault is played on purpose (a board clock unset after power-up, or drifting).

    clock = SimClock(datetime(2024, 1, 1), speed=150000)
    clock.seconds()          # simulated seconds since start, now
    clock.now()              # simulated unix time, now (the ingest server's clock)
    clock.wall_at(3600.0)    # host time.time() when simulated second 3600 comes
    clock.pause(); ...; clock.resume()   # while the board is off (a power cut, a swap)
"""
import datetime
import time


class SimClock:
    def __init__(self, start, speed, wall0=None):
        if speed <= 0:
            raise ValueError("simulation speed %r must be positive" % (speed,))
        self.start = start
        self.epoch = int(start.replace(tzinfo=datetime.timezone.utc).timestamp())
        self.speed = float(speed)
        self.wall0 = time.time() if wall0 is None else wall0
        self._paused_at = None
        self._hold = False

    def seconds(self):
        at = time.time() if self._paused_at is None else self._paused_at
        return (at - self.wall0) * self.speed

    def pause(self, hold_server=False):
        """Simulated time stands still until resume(). A board started meanwhile keeps
        the spec it was started with, so only while none runs, or with hold_server while
        its clock is unset after power-up: the server's answer (server_now), which sets
        it, then waits for resume(), and the board's boot costs no simulated time."""
        if self._paused_at is None:
            self._paused_at = time.time()
        self._hold = hold_server

    def server_now(self, patience_s=60.0):
        """now() for the ingest server (see pause)."""
        end = time.monotonic() + patience_s
        while self._paused_at is not None and self._hold and time.monotonic() < end:
            time.sleep(0.005)
        return self.now()

    def resume(self):
        if self._paused_at is not None:
            self.wall0 += time.time() - self._paused_at
            self._paused_at = None

    def now(self):
        return int(self.epoch + self.seconds())

    def wall_at(self, seconds):
        return self.wall0 + seconds / self.speed

    def board_spec(self):
        """FORDEL_SIM_CLOCK for the sim board: it reads the same simulated time."""
        return "%d:%r:%.6f" % (self.epoch, self.speed, self.wall0)
