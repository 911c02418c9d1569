package palmbid.app.presentation.download

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import palmbid.app.domain.FailureKind
import palmbid.app.domain.PickupService
import palmbid.app.presentation.common.PinKeypad
import palmbid.app.presentation.common.attempt

/**
 * Certificate download for an earlier pickup: lists this phone's pickups,
 * asks for the PIN of the chosen one and downloads. The PIN is wiped after
 * the call, whatever the outcome.
 */
class DownloadPresenter(
    private val scope: CoroutineScope,
    private val pickup: PickupService,
) {
    private val keypad = PinKeypad()
    private val mutable = MutableStateFlow(DownloadState())
    val state: StateFlow<DownloadState> = mutable.asStateFlow()

    init {
        load()
    }

    fun onEvent(event: DownloadEvent) {
        when (event) {
            is DownloadEvent.Choose -> {
                keypad.clear()
                mutable.update { it.copy(selected = event.pickupId, result = null, error = null, pinPad = keypad.state(it.pinPad)) }
            }
            is DownloadEvent.Pin -> key(event)
            DownloadEvent.CancelPin -> {
                keypad.clear()
                mutable.update { it.copy(selected = null, pinPad = keypad.state(it.pinPad)) }
            }
            DownloadEvent.Retry -> if (mutable.value.pickups.isEmpty()) load() else mutable.update { it.copy(error = null) }
            DownloadEvent.Done, DownloadEvent.Back -> keypad.clear()
        }
    }

    private fun load() {
        mutable.update { it.copy(loading = true, error = null) }
        scope.launch {
            attempt({ e -> mutable.update { it.copy(loading = false, error = e) } }) {
                val pickups = pickup.pickups()
                mutable.update { it.copy(loading = false, pickups = pickups) }
            }
        }
    }

    private fun key(event: DownloadEvent.Pin) {
        val current = mutable.value
        val record = current.pickups.firstOrNull { it.pickupId == current.selected } ?: return
        if (current.pinPad.busy || current.pinPad.locked) return
        if (!keypad.press(event.event)) {
            mutable.update { it.copy(pinPad = keypad.state(it.pinPad)) }
            return
        }
        val pin = keypad.takePin()
        mutable.update { it.copy(error = null, pinPad = keypad.state(it.pinPad).copy(busy = true)) }
        scope.launch {
            try {
                attempt({ e ->
                    mutable.update {
                        it.copy(error = e, pinPad = it.pinPad.copy(busy = false, locked = e.kind == FailureKind.PIN_LOCKED))
                    }
                }) {
                    val result = pickup.download(record.platform, record.pickupId, pin)
                    mutable.update { it.copy(result = result, pinPad = it.pinPad.copy(busy = false)) }
                }
            } finally {
                pin.wipe()
            }
        }
    }
}
