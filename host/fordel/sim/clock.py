"""The simulation's one clock: simulated time runs `speed` times faster than the host's, from
`start` (a datetime, UTC) at host time `wall0`. The meters' telegrams are paced by it, the
sim board's clock (FORDEL_SIM_CLOCK "START:SPEED:WALL") and the ingest server's answer
time are read from it, so a record's collector time and the meter's own clock agree unless
a fault is played on purpose (a board clock unset after power-up, or drifting).

    clock = SimClock(datetime(2024, 1, 1), speed=150000)
    clock.seconds()          # simulated seconds since start, now
    clock.now()              # simulated unix time, now (the ingest server's clock)
    clock.wall_at(3600.0)    # host time.time() when simulated second 3600 comes
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

    def seconds(self):
        return (time.time() - self.wall0) * self.speed

    def now(self):
        return int(self.epoch + self.seconds())

    def wall_at(self, seconds):
        return self.wall0 + seconds / self.speed

    def board_spec(self):
        """FORDEL_SIM_CLOCK for the sim board: it reads the same simulated time."""
        return "%d:%r:%.6f" % (self.epoch, self.speed, self.wall0)
