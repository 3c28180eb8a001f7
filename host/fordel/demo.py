"""`fordel demo`: the main job end to end, as far as it is built."""
import click


@click.command("demo")
def demo_cmd():
    """Run the pipeline end to end on simulated meters and print what each stage produced."""
    click.echo("fordel demo: stages are being built")
