# main.py of the esp32-* collectors (root filesystem; `fordel flash` writes it): starts the
# collector app from the app image. Ctrl-C on the console stops it at the REPL; an error
# that escapes it resets the board (firmware/main.py run()).
import main as _app  # /rom/main.mpy or the frozen main: boot.py put them first on the path

_app.run()
