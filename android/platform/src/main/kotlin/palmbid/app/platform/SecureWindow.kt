package palmbid.app.platform

import android.os.Build
import android.view.Window
import android.view.WindowManager

/**
 * Protects the window while a PIN pad, a confirm screen or a certificate
 * is shown.
 *
 * `FLAG_SECURE` keeps the window out of screenshots, screen recordings,
 * casting and the recent-apps thumbnail, so neither the PIN pad nor what
 * is about to be signed leaks through them. From API 31,
 * `setHideOverlayWindows(true)` hides other apps' overlays while the
 * window is shown, so no overlay can cover the confirm screen or read
 * taps on the keypad. The manifest declares `HIDE_OVERLAY_WINDOWS`, which
 * that call requires.
 *
 * Call [show] with `true` when such a screen appears and `false` when it
 * goes, on the main thread.
 */
class SecureWindow(private val window: Window) {

    private var secure = false

    /** Applies or removes the protection; repeated calls with the same value do nothing. */
    fun show(secure: Boolean) {
        if (secure == this.secure) return
        this.secure = secure

        if (secure) {
            window.addFlags(WindowManager.LayoutParams.FLAG_SECURE)
        } else {
            window.clearFlags(WindowManager.LayoutParams.FLAG_SECURE)
        }
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.S) {
            window.setHideOverlayWindows(secure)
        }
    }
}
