"""Board esp32-amb8465: ESP32 DevKit (4 MiB) with an Amber AMB8465 on UART2.

Wiring: module TXD -> GPIO16 (RX2), module RXD <- GPIO17 (TX2), module /RESET <- GPIO4,
status LED on GPIO2 (the DevKit's blue LED). UART 9600 8N1 (the module's default).
"""

from esp32board import (Led, mount_flash, network_status, network_up, now, open_uart,
                        pulse_reset, restart, set_time, ticks_diff, ticks_ms)

NAME = "esp32-amb8465"
RADIO_MODULE = "amb8465"
RADIO_BAUD = 9600
UART_ID = 2
TX_PIN = 17
RX_PIN = 16
RESET_PIN = 4
LED_PIN = 2

led = Led(LED_PIN)


def open_radio_uart():
    return open_uart(UART_ID, RADIO_BAUD, TX_PIN, RX_PIN)


def reset_radio():
    return pulse_reset(RESET_PIN)


__all__ = ("NAME", "RADIO_MODULE", "RADIO_BAUD", "open_radio_uart", "led", "reset_radio",
           "ticks_ms", "ticks_diff", "now", "mount_flash", "restart", "set_time", "network_up",
           "network_status")
