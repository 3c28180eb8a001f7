"""The `fordel` command line. Click groups only: each command lives in its own module
(mpremote/esptool style) and is loaded when it is used, so `fordel --help` stays fast."""
import importlib

import click

# command name -> "module:attribute" of a click.Command. One line per command.
COMMANDS = {
    "decode": "fordel.decode:decode_cmd",
    "demo": "fordel.demo:demo_cmd",
    "diag": "fordel.device.diag:diag_cmd",
    "sim": "fordel.sim.cli:sim_cmd",
    "provision": "fordel.device.provision:provision_cmd",
    "flash": "fordel.device.flash:flash_cmd",
    "listen": "fordel.device.listen:listen_cmd",
    "ingest": "fordel.ingest.cli:ingest_cmd",
    "keys": "fordel.ingest.cli:keys_cmd",
    "readings": "fordel.ingest.cli:readings_cmd",
    "settle": "fordel.settle.settle_cmd:settle_cmd",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup)
@click.version_option(package_name="fordel")
def main():
    """fordel: wM-Bus collectors and Danish heat and water cost allocation."""


if __name__ == "__main__":
    main()
