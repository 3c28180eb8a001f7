"""The demo's last stage: the settlement of the simulated property from its readings."""


def settle_demo(out, prop, readings, stage):
    stage("settlement: waiting for the settlement engine")
