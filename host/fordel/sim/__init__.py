"""Simulators: radio modules on a pty (this package's im871a/amb8465), meters and properties.

Radio-module simulators (byte-exact to the vendors' manuals, docs/protocols.md):

    from fordel.sim.im871a import Im871aSimulator      # or amb8465.Amb8465Simulator
    sim = Im871aSimulator()              # options: nv_link_mode, nv_auto_rssi, crc, paced=True...
    path = sim.start()                   # pty slave path: FORDEL_RADIO_PORT for the sim board
    sim.deliver(frame, rssi_dbm=-70, mode="T1")   # frame: wM-Bus frame starting with its
                                         # L-field, DLL CRCs removed; mode None = always heard.
                                         # -> False if the module does not listen to `mode`
    sim.inject_garbage(n=16)             # line noise (no frame-start bytes); data=b"..." exact
    sim.corrupt_next()                   # flip a bit in the next frame sent (checksum fails)
    sim.reset_module(partial=True)       # power cycle: volatile settings lost, and half a
                                         # frame on the line first
    sim.responding = False               # module hangs: no answers, no telegrams
    sim.requests, sim.stats              # what the host asked; counters
    sim.close()                          # also: with Im871aSimulator() as sim: ...

Both simulators are also usable from pyserial: serial.Serial(sim.path, 57600 or 9600).

Meters and properties (docs/simulator.md): real OMS telegrams, security modes 0/5/7:

    from fordel.sim.property import SimProperty      # meters, keys, coding CSV
    from fordel.sim.scenario import Scenario, Faults # time-ordered delivery, faults, record
    from fordel.sim.meters import SimHeatCostAllocator, SimWaterMeter
    sc = Scenario(SimProperty(apartments=4, seed=1), Faults(corrupt=0.01, duplicate=0.05))
    sc.run(sim, sim_seconds=3600, speed=60)  # deliver to an Im871a/Amb8465Simulator
    sc.expected()                            # {meter id: values the collector must hold}
"""
