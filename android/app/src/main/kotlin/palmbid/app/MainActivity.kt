package palmbid.app

import android.content.Intent
import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import kotlinx.coroutines.channels.Channel
import palmbid.app.platform.SecureWindow

/**
 * The one activity. It draws edge to edge, hosts the Compose navigation
 * ([PalmbidNavHost]), hands App Links (`https://<platform host>/q/<id>`)
 * to the scan flow, and triggers a hall pull each time it resumes, which
 * is how phones without a push channel stay current.
 */
class MainActivity : ComponentActivity() {

    private val graph: AppGraph
        get() = (application as PalmbidApplication).graph

    /**
     * Scan links from the launching intent and from later ones (singleTask),
     * each received once; only the newest waits if several arrive at once.
     */
    private val links = Channel<String>(Channel.CONFLATED)

    override fun onCreate(savedInstanceState: Bundle?) {
        enableEdgeToEdge()
        super.onCreate(savedInstanceState)

        // A recreated activity has already handled its launching link.
        if (savedInstanceState == null) {
            intent.scanLink()?.let(links::trySend)
        }

        val secureWindow = SecureWindow(window)
        setContent {
            PalmbidNavHost(graph = graph, links = links, secureWindow = secureWindow)
        }
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        setIntent(intent)
        intent.scanLink()?.let(links::trySend)
    }

    override fun onResume() {
        super.onResume()
        graph.onForeground()
    }

    override fun onStop() {
        graph.onBackground()
        super.onStop()
    }

    /**
     * Returns the address of an App Link, or null. Only the manifest's
     * filter (https, the platform host, /q/) lets such an intent in. The
     * core still checks the host against the platforms the user trusts.
     */
    private fun Intent.scanLink(): String? =
        if (action == Intent.ACTION_VIEW) dataString else null
}
