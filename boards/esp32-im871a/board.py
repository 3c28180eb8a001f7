"""Board esp32-im871a: ESP32 DevKit (4 MiB) with an IMST iM871A on UART2.

Wiring: module TXD -> GPIO16 (RX2), module RXD <- GPIO17 (TX2), module /RESET <- GPIO4,
status LED on GPIO2 (the DevKit's blue LED). UART 57600 8N1 (the module's default).
"""
import time

from esp32board import (Led, network_status, network_up, now, open_uart, pulse_reset, restart,
                        set_time)
from esp32board import mount_flash as _mount_flash

NAME = "esp32-im871a"
RADIO_MODULE = "im871a"
RADIO_BAUD = 57600
UART_ID = 2
TX_PIN = 17
RX_PIN = 16
RESET_PIN = 4
LED_PIN = 2
FLASH_PATH = "/flash"

led = Led(LED_PIN)


def open_radio_uart():
    return open_uart(UART_ID, RADIO_BAUD, TX_PIN, RX_PIN)


def reset_radio():
    return pulse_reset(RESET_PIN)


def ticks_ms():
    return time.ticks_ms()


def ticks_diff(a, b):
    return time.ticks_diff(a, b)


def mount_flash(path=FLASH_PATH):
    return _mount_flash(path)


__all__ = ("NAME", "RADIO_MODULE", "RADIO_BAUD", "open_radio_uart", "led", "reset_radio",
           "ticks_ms", "ticks_diff", "now", "mount_flash", "restart", "set_time", "network_up",
           "network_status")
