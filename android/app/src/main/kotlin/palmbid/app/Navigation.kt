package palmbid.app

import android.Manifest
import android.content.pm.PackageManager
import android.os.Build
import android.util.Log
import androidx.activity.compose.BackHandler
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableIntStateOf
import androidx.compose.runtime.mutableStateListOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.rememberUpdatedState
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalConfiguration
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.channels.ReceiveChannel
import java.io.File
import java.io.IOException
import kotlinx.coroutines.flow.flowOf
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import palmbid.app.domain.AppSettings
import palmbid.app.domain.Attachment
import palmbid.app.domain.Language
import palmbid.app.domain.PalmbidFailure
import palmbid.app.domain.PalmbidServices
import palmbid.app.domain.QrRequest
import palmbid.app.domain.ScannedCode
import palmbid.app.domain.ScannedPickup
import palmbid.app.platform.DeviceKeyState
import palmbid.app.platform.SecureWindow
import palmbid.app.presentation.certificates.CertificatesEvent
import palmbid.app.presentation.certificates.CertificatesPresenter
import palmbid.app.presentation.confirm.ConfirmEvent
import palmbid.app.presentation.confirm.ConfirmPresenter
import palmbid.app.presentation.download.DownloadEvent
import palmbid.app.presentation.download.DownloadPresenter
import palmbid.app.presentation.guarantees.GuaranteesEvent
import palmbid.app.presentation.guarantees.GuaranteesPresenter
import palmbid.app.presentation.hall.HallListEvent
import palmbid.app.presentation.hall.HallListPresenter
import palmbid.app.presentation.home.HomeEvent
import palmbid.app.presentation.home.HomePresenter
import palmbid.app.presentation.identity.IdentityCheckEvent
import palmbid.app.presentation.identity.IdentityCheckPresenter
import palmbid.app.presentation.identity.RecordedVideo
import palmbid.app.presentation.login.LoginEvent
import palmbid.app.presentation.login.LoginPresenter
import palmbid.app.presentation.messages.MessagesEvent
import palmbid.app.presentation.messages.MessagesPresenter
import palmbid.app.presentation.pickup.CertificatePickupEvent
import palmbid.app.presentation.pickup.CertificatePickupPresenter
import palmbid.app.presentation.pin.PinEntryEvent
import palmbid.app.presentation.pin.PinEntryPresenter
import palmbid.app.presentation.pin.PinMode
import palmbid.app.presentation.project.ProjectEvent
import palmbid.app.presentation.project.ProjectPresenter
import palmbid.app.presentation.scan.ScanEvent
import palmbid.app.presentation.scan.ScanPresenter
import palmbid.app.presentation.settings.SettingsEvent
import palmbid.app.presentation.settings.SettingsPresenter
import palmbid.app.presentation.signaturelog.SignatureLogEvent
import palmbid.app.presentation.signaturelog.SignatureLogPresenter
import palmbid.app.ui.certificates.CertificatesScreen
import palmbid.app.ui.confirm.ConfirmScreen
import palmbid.app.ui.download.DownloadScreen
import palmbid.app.ui.guarantees.GuaranteesScreen
import palmbid.app.ui.hall.HallListScreen
import palmbid.app.ui.home.HomeScreen
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.i18n.resolveLanguage
import palmbid.app.ui.i18n.stringsOf
import palmbid.app.ui.identity.IdentityCheckScreen
import palmbid.app.ui.login.LoginScreen
import palmbid.app.ui.messages.MessagesScreen
import palmbid.app.ui.pickup.CertificatePickupScreen
import palmbid.app.ui.pin.PinEntryScreen
import palmbid.app.ui.project.ProjectScreen
import palmbid.app.ui.scan.ScanScreen
import palmbid.app.ui.settings.SettingsScreen
import palmbid.app.ui.signaturelog.SignatureLogScreen
import palmbid.app.ui.theme.PalmbidTheme

/*
 * The app's navigation, in one file: the routes, the back stack, and for
 * each route the presenter it builds and the screen it draws. Screens and
 * presenters only know their own state and events; the events marked
 * "navigation" in :presentation are acted on here.
 */

/** One screen and what it needs to open. */
sealed interface Route {
    /** Whether the window is protected (no screenshots, no overlays) for the whole screen. */
    val secure: Boolean get() = false

    data object Home : Route

    /** 我的证书: both certificates, validity, seals. */
    data object Certificates : Route {
        override val secure: Boolean get() = true
    }

    /** SMS login: the code is a secret, so the window is protected. */
    data object Login : Route {
        override val secure: Boolean get() = true
    }

    /** The identity check of the current platform, after login: name, ID number and video. */
    data object Identity : Route {
        override val secure: Boolean get() = true
    }

    /** 扫一扫. */
    data object Scan : Route

    data class Pickup(val pickup: ScannedPickup) : Route {
        override val secure: Boolean get() = true
    }

    data object Download : Route {
        override val secure: Boolean get() = true
    }

    /** The confirm screen of a portal or toolbox request: the requester, what is signed, then the PIN. */
    data class Confirm(val request: QrRequest) : Route {
        override val secure: Boolean get() = true
    }

    data class Pin(val mode: PinMode, val credentialId: String) : Route {
        override val secure: Boolean get() = true
    }

    /** 开标大厅. */
    data object Hall : Route

    data class Project(val platform: String, val projectId: String) : Route

    /** 电子保函. */
    data object Guarantees : Route

    /** 消息. */
    data object Messages : Route

    data object SignatureLog : Route

    data object Settings : Route
}

/**
 * The back stack, never empty: [Route.Home] at the bottom. Kept in memory
 * only, because routes such as [Route.Confirm] hold live core objects; after
 * the process dies the app starts again at home.
 */
class Navigator {
    private val stack = mutableStateListOf<Route>(Route.Home)

    val current: Route get() = stack.last()

    val canGoBack: Boolean get() = stack.size > 1

    fun open(route: Route) {
        stack.add(route)
    }

    /** Replaces the current screen, so Back skips it (the scanner after a scan). */
    fun replace(route: Route) {
        stack[stack.lastIndex] = route
    }

    fun back() {
        if (canGoBack) stack.removeAt(stack.lastIndex)
    }
}

/**
 * Draws the app's content: waits for the keystore, then draws the current route
 * in the chosen language, protects the window on PIN, confirm and
 * certificate screens, and opens App Links in the scan flow.
 */
@Composable
fun PalmbidNavHost(graph: AppGraph, links: ReceiveChannel<String>, secureWindow: SecureWindow) {
    val startup by graph.state.collectAsStateWithLifecycle()
    val ready = startup as? Startup.Ready
    val settingsFlow = remember(ready) { ready?.services?.settings?.settings ?: flowOf(AppSettings()) }
    val settings by settingsFlow.collectAsStateWithLifecycle(AppSettings())

    val language = resolveLanguage(settings.language, LocalConfiguration.current.locales[0].language)

    CompositionLocalProvider(LocalStrings provides stringsOf(language)) {
        PalmbidTheme {
            Surface(Modifier.fillMaxSize()) {
                when (val state = startup) {
                    Startup.Opening -> Box(Modifier.fillMaxSize(), contentAlignment = Alignment.Center) {
                        CircularProgressIndicator()
                    }
                    is Startup.Failed -> StartupFailure(state, language, onStartOver = graph::startOver)
                    is Startup.Ready -> Routes(graph, state.services, links, secureWindow)
                }
            }
        }
    }
}

@Composable
private fun Routes(
    graph: AppGraph,
    services: PalmbidServices,
    links: ReceiveChannel<String>,
    secureWindow: SecureWindow,
) {
    val navigator = remember { Navigator() }
    val route = navigator.current
    val pullCount by graph.pullCount.collectAsStateWithLifecycle()

    BackHandler(enabled = navigator.canGoBack) { navigator.back() }

    // Screens that protect themselves only while a PIN pad shows call
    // secureWindow.show in their route below; this covers the rest.
    LaunchedEffect(route) { secureWindow.show(route.secure) }
    DisposableEffect(Unit) { onDispose { secureWindow.show(false) } }

    // An App Link goes through the same judgement as a scanned code.
    var linkToScan by remember { mutableIntStateOf(0) }
    val pendingLinks = remember { mutableStateListOf<String>() }
    LaunchedEffect(links) {
        for (link in links) {
            pendingLinks.add(link)
            linkToScan += 1
            if (navigator.current != Route.Scan) navigator.open(Route.Scan)
        }
    }

    when (route) {
        Route.Home -> HomeRoute(services, navigator, pullCount)
        Route.Certificates -> CertificatesRoute(services, navigator)
        Route.Login -> LoginRoute(services, navigator)
        Route.Identity -> IdentityRoute(services, navigator)
        Route.Scan -> ScanRoute(services, navigator, pendingLinks, linkToScan)
        is Route.Pickup -> PickupRoute(services, navigator, route)
        Route.Download -> DownloadRoute(services, navigator)
        is Route.Confirm -> ConfirmRoute(services, navigator, route)
        is Route.Pin -> PinRoute(services, navigator, route)
        Route.Hall -> HallRoute(services, navigator, pullCount)
        is Route.Project -> ProjectRoute(services, navigator, route, secureWindow, pullCount)
        Route.Guarantees -> GuaranteesRoute(services, navigator, secureWindow)
        Route.Messages -> MessagesRoute(services, navigator)
        Route.SignatureLog -> SignatureLogRoute(services, navigator)
        Route.Settings -> SettingsRoute(services, navigator)
    }
}

@Composable
private fun HomeRoute(services: PalmbidServices, navigator: Navigator, pullCount: Int) {
    val presenter = rememberPresenter { HomePresenter(it, services) }
    val state by presenter.state.collectAsStateWithLifecycle()
    LaunchedEffect(pullCount) { presenter.onEvent(HomeEvent.Resumed) }

    HomeScreen(state, { event ->
        when (event) {
            HomeEvent.OpenCertificates -> navigator.open(Route.Certificates)
            HomeEvent.OpenScan -> navigator.open(Route.Scan)
            HomeEvent.OpenHall -> navigator.open(Route.Hall)
            HomeEvent.OpenGuarantees -> navigator.open(Route.Guarantees)
            HomeEvent.OpenMessages -> navigator.open(Route.Messages)
            HomeEvent.OpenSignatureLog -> navigator.open(Route.SignatureLog)
            HomeEvent.OpenSettings -> navigator.open(Route.Settings)
            HomeEvent.OpenLogin -> navigator.open(Route.Login)
            else -> presenter.onEvent(event)
        }
    })
}

@Composable
private fun CertificatesRoute(services: PalmbidServices, navigator: Navigator) {
    val presenter = rememberPresenter { CertificatesPresenter(it, services.certificates) }
    val state by presenter.state.collectAsStateWithLifecycle()

    CertificatesScreen(state, { event ->
        when (event) {
            is CertificatesEvent.ChangePin -> navigator.open(Route.Pin(PinMode.CHANGE, event.credentialId))
            CertificatesEvent.PickUp -> navigator.open(Route.Scan)
            CertificatesEvent.Download -> navigator.open(Route.Download)
            CertificatesEvent.Back -> navigator.back()
            else -> presenter.onEvent(event)
        }
    })
}

@Composable
private fun LoginRoute(services: PalmbidServices, navigator: Navigator) {
    val presenter = rememberPresenter { LoginPresenter(it, services.accounts, services.settings) }
    val state by presenter.state.collectAsStateWithLifecycle()
    // Logged in: the certificate pickup continues with the identity check.
    LaunchedEffect(state.session) {
        if (state.session != null) navigator.replace(Route.Identity)
    }

    LoginScreen(state, { event ->
        when (event) {
            // NOTE: the platform serves no agreement or privacy page yet, so
            // these open nothing; the versions shown come from its terms.
            LoginEvent.OpenAgreement, LoginEvent.OpenPrivacy -> Unit
            LoginEvent.Back -> navigator.back()
            else -> presenter.onEvent(event)
        }
    })
}

@Composable
private fun IdentityRoute(services: PalmbidServices, navigator: Navigator) {
    val presenter = rememberPresenter { IdentityCheckPresenter(it, services.accounts, services.settings) }
    val state by presenter.state.collectAsStateWithLifecycle()
    val recordVideo = rememberVideoRecorder { video -> presenter.onEvent(IdentityCheckEvent.VideoRecorded(video)) }

    IdentityCheckScreen(state, { event ->
        when (event) {
            IdentityCheckEvent.RecordVideo -> recordVideo()
            IdentityCheckEvent.Back -> navigator.back()
            else -> presenter.onEvent(event)
        }
    })
}

@Composable
private fun ScanRoute(
    services: PalmbidServices,
    navigator: Navigator,
    pendingLinks: MutableList<String>,
    linkToScan: Int,
) {
    val context = LocalContext.current
    var cameraPermitted by remember {
        mutableStateOf(context.checkSelfPermission(Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED)
    }
    val presenter = rememberPresenter { ScanPresenter(it, services.scan, cameraPermitted) }
    val state by presenter.state.collectAsStateWithLifecycle()
    var rearm by remember { mutableIntStateOf(0) }

    val requestCamera = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
        cameraPermitted = granted
        if (granted) presenter.onEvent(ScanEvent.PermissionGranted)
    }
    // Request once when the scanner opens; the screen's button requests again.
    LaunchedEffect(Unit) {
        if (!cameraPermitted) requestCamera.launch(Manifest.permission.CAMERA)
    }

    LaunchedEffect(linkToScan) {
        while (pendingLinks.isNotEmpty()) presenter.onEvent(ScanEvent.Scanned(pendingLinks.removeAt(0)))
    }
    // The core has judged the code: continue where it leads, and drop the
    // scanner from the back stack.
    LaunchedEffect(state.result) {
        when (val result = state.result) {
            is ScannedCode.Pickup -> navigator.replace(Route.Pickup(result.pickup))
            is ScannedCode.Request -> navigator.replace(Route.Confirm(result.request))
            null -> Unit
        }
    }

    ScanScreen(
        state = state,
        onEvent = { event ->
            when (event) {
                ScanEvent.Back -> navigator.back()
                ScanEvent.RequestPermission -> requestCamera.launch(Manifest.permission.CAMERA)
                ScanEvent.Retry -> {
                    presenter.onEvent(event)
                    rearm += 1
                }
                else -> presenter.onEvent(event)
            }
        },
        preview = {
            if (cameraPermitted) {
                CameraPreview(
                    onText = { presenter.onEvent(ScanEvent.Scanned(it)) },
                    rearm = rearm,
                    torchOn = state.torchOn,
                    modifier = Modifier.fillMaxSize(),
                )
            }
        },
    )
}

@Composable
private fun PickupRoute(services: PalmbidServices, navigator: Navigator, route: Route.Pickup) {
    val presenter = rememberPresenter(route) { CertificatePickupPresenter(it, services.pickup, route.pickup) }
    val state by presenter.state.collectAsStateWithLifecycle()

    CertificatePickupScreen(state, { event ->
        when (event) {
            CertificatePickupEvent.Done, CertificatePickupEvent.Back -> navigator.back()
            else -> presenter.onEvent(event)
        }
    })
}

@Composable
private fun DownloadRoute(services: PalmbidServices, navigator: Navigator) {
    val presenter = rememberPresenter { DownloadPresenter(it, services.pickup) }
    val state by presenter.state.collectAsStateWithLifecycle()

    DownloadScreen(state, { event ->
        when (event) {
            DownloadEvent.Done -> navigator.replace(Route.Certificates)
            DownloadEvent.Back -> navigator.back()
            else -> presenter.onEvent(event)
        }
    })
}

@Composable
private fun ConfirmRoute(services: PalmbidServices, navigator: Navigator, route: Route.Confirm) {
    val presenter = rememberPresenter(route) { ConfirmPresenter(it, route.request, services.certificates) }
    val state by presenter.state.collectAsStateWithLifecycle()

    ConfirmScreen(state, { event ->
        when (event) {
            // Cancel goes to the presenter, which cancels the request on the
            // desktop too; the screen then offers Done.
            ConfirmEvent.Done -> navigator.back()
            else -> presenter.onEvent(event)
        }
    })
}

@Composable
private fun PinRoute(services: PalmbidServices, navigator: Navigator, route: Route.Pin) {
    val presenter = rememberPresenter(route) {
        PinEntryPresenter(it, services.certificates, route.mode, route.credentialId)
    }
    val state by presenter.state.collectAsStateWithLifecycle()

    PinEntryScreen(state, { event ->
        when (event) {
            PinEntryEvent.Back, PinEntryEvent.Done -> navigator.back()
            else -> presenter.onEvent(event)
        }
    })
}

@Composable
private fun HallRoute(services: PalmbidServices, navigator: Navigator, pullCount: Int) {
    val presenter = rememberPresenter { HallListPresenter(it, services.hall, services.settings, services.accounts) }
    val state by presenter.state.collectAsStateWithLifecycle()
    // On resume and on each push hint; phones without push rely on resume.
    LaunchedEffect(pullCount) { presenter.onEvent(HallListEvent.Resumed) }

    HallListScreen(state, { event ->
        when (event) {
            is HallListEvent.Open -> state.platform?.let { navigator.open(Route.Project(it, event.projectId)) }
            HallListEvent.Back -> navigator.back()
            else -> presenter.onEvent(event)
        }
    })
}

@Composable
private fun ProjectRoute(
    services: PalmbidServices,
    navigator: Navigator,
    route: Route.Project,
    secureWindow: SecureWindow,
    pullCount: Int,
) {
    val presenter = rememberPresenter(route) {
        ProjectPresenter(it, services.hall, services.certificates, route.platform, route.projectId)
    }
    val state by presenter.state.collectAsStateWithLifecycle()
    // Only the PIN pad needs the protection; quote tables may be captured.
    LaunchedEffect(state.pinFor) { secureWindow.show(state.pinFor != null) }
    LaunchedEffect(pullCount) { presenter.onEvent(ProjectEvent.Resumed) }

    val context = LocalContext.current
    val scope = rememberCoroutineScope()
    val pickAttachment = rememberLauncherForActivityResult(ActivityResultContracts.OpenDocument()) { uri ->
        uri?.let { SharedFiles.readAttachment(context, it, Attachment.MAX_BYTES.toInt()) }
            ?.let { presenter.onEvent(ProjectEvent.AttachmentPicked(it)) }
    }

    ProjectScreen(state, { event ->
        when (event) {
            ProjectEvent.PickAttachment -> pickAttachment.launch(ATTACHMENT_TYPES)
            ProjectEvent.OpenReceipt -> scope.launch {
                try {
                    val pdf = services.hall.signInReceipt(route.platform, route.projectId)
                    SharedFiles.openPdf(context, "receipt.pdf", pdf)
                } catch (failure: PalmbidFailure) {
                    Log.w(TAG, "sign-in receipt unavailable: ${failure.code}")
                }
            }
            ProjectEvent.Back -> navigator.back()
            else -> presenter.onEvent(event)
        }
    })
}

@Composable
private fun GuaranteesRoute(services: PalmbidServices, navigator: Navigator, secureWindow: SecureWindow) {
    val presenter = rememberPresenter {
        GuaranteesPresenter(it, services.guarantees, services.certificates, services.settings, services.accounts)
    }
    val state by presenter.state.collectAsStateWithLifecycle()
    LaunchedEffect(state.applyTo) { secureWindow.show(state.applyTo != null) }

    val context = LocalContext.current

    GuaranteesScreen(state, { event ->
        when (event) {
            is GuaranteesEvent.OpenApplication -> SharedFiles.openWebPage(context, event.url)
            GuaranteesEvent.OpenDocument -> state.view?.document?.let {
                SharedFiles.openPdf(context, "guarantee.pdf", it.pdf)
            }
            GuaranteesEvent.Back -> navigator.back()
            else -> presenter.onEvent(event)
        }
    })
}

@Composable
private fun MessagesRoute(services: PalmbidServices, navigator: Navigator) {
    val presenter = rememberPresenter { MessagesPresenter(it, services.inbox) }
    val state by presenter.state.collectAsStateWithLifecycle()

    MessagesScreen(state, { event ->
        when (event) {
            MessagesEvent.Back -> navigator.back()
            else -> presenter.onEvent(event)
        }
    })
}

@Composable
private fun SignatureLogRoute(services: PalmbidServices, navigator: Navigator) {
    val presenter = rememberPresenter { SignatureLogPresenter(it, services.signatureLog) }
    val state by presenter.state.collectAsStateWithLifecycle()

    SignatureLogScreen(state, { event ->
        when (event) {
            SignatureLogEvent.Back -> navigator.back()
            else -> presenter.onEvent(event)
        }
    })
}

@Composable
private fun SettingsRoute(services: PalmbidServices, navigator: Navigator) {
    val presenter = rememberPresenter { SettingsPresenter(it, services.settings, services.accounts) }
    val state by presenter.state.collectAsStateWithLifecycle()
    val context = LocalContext.current
    // Android 13+ shows no notification until the user allows it; asked
    // when the user turns a notice on, not at first start.
    val notificationPermission = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) {}

    SettingsScreen(state, { event ->
        when (event) {
            is SettingsEvent.NotificationsChanged -> {
                val enabled = with(event.notifications) { openingReminders || phaseChanges || challengeAnswers || roundsAndDraws }
                if (enabled && Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU &&
                    context.checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) != PackageManager.PERMISSION_GRANTED
                ) {
                    notificationPermission.launch(Manifest.permission.POST_NOTIFICATIONS)
                }
                presenter.onEvent(event)
            }
            SettingsEvent.Back -> navigator.back()
            else -> presenter.onEvent(event)
        }
    })
}

/**
 * Returns a function that records the identity video with the phone's
 * camera app (asking for the CAMERA permission first) and passes the
 * recording to [onRecorded]. Nothing is passed when the user cancels.
 */
@Composable
private fun rememberVideoRecorder(onRecorded: (RecordedVideo) -> Unit): () -> Unit {
    val context = LocalContext.current
    val scope = rememberCoroutineScope()
    val currentOnRecorded by rememberUpdatedState(onRecorded)
    // Saved, because the activity may be recreated while the camera app records.
    var targetPath by rememberSaveable { mutableStateOf<String?>(null) }

    val capture = rememberLauncherForActivityResult(ActivityResultContracts.CaptureVideo()) { saved ->
        val file = targetPath?.let(::File)
        targetPath = null
        if (saved && file != null && file.isFile) {
            scope.launch {
                val mp4 = try {
                    withContext(Dispatchers.IO) { file.readBytes() }
                } catch (e: IOException) {
                    Log.w(TAG, "cannot read the recorded video: ${e.javaClass.simpleName}")
                    null
                } finally {
                    file.delete()
                }
                mp4?.let { currentOnRecorded(RecordedVideo(it)) }
            }
        }
    }
    fun launchCapture() {
        val (file, uri) = SharedFiles.videoTarget(context)
        targetPath = file.path
        capture.launch(uri)
    }
    // The camera app's intent fails while the app declares CAMERA without holding it.
    val permission = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
        if (granted) launchCapture()
    }

    return {
        if (context.checkSelfPermission(Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED) {
            launchCapture()
        } else {
            permission.launch(Manifest.permission.CAMERA)
        }
    }
}

/** MIME types a challenge may attach: those the core accepts. */
private val ATTACHMENT_TYPES = arrayOf("application/pdf", "image/png", "image/jpeg")

private const val TAG = "palmbid.app"

/**
 * Builds a presenter once per [key] with a coroutine scope of its own on
 * the main thread, and cancels that scope when the route leaves the
 * composition (its work and flows end with the screen).
 */
@Composable
private fun <T : Any> rememberPresenter(key: Any? = Unit, create: (CoroutineScope) -> T): T {
    val scope = remember(key) { CoroutineScope(SupervisorJob() + Dispatchers.Main.immediate) }
    DisposableEffect(scope) { onDispose { scope.cancel() } }
    return remember(scope) { create(scope) }
}

/**
 * Shows why the keystore cannot open. Drawn here rather than in :ui
 * because it appears before any presenter exists; the messages are the
 * core's, in both languages. When the hardware key is lost for good it
 * offers to start over with an empty keystore.
 */
@Composable
private fun StartupFailure(state: Startup.Failed, language: Language, onStartOver: () -> Unit) {
    val zh = language == Language.ZH_CN
    val hint = when (state.deviceKey) {
        DeviceKeyState.LOCKED -> if (zh) "请解锁手机后返回本应用。" else "Unlock the phone and come back to the app."
        DeviceKeyState.NO_SCREEN_LOCK -> if (zh) {
            "请在系统设置中设置锁屏密码，然后返回本应用。"
        } else {
            "Set a screen lock in the system settings, then come back to the app."
        }
        DeviceKeyState.MISSING, DeviceKeyState.INVALIDATED -> if (zh) {
            "本机证书库已无法打开，其中的证书不能再使用。清除后请重新办理证书。"
        } else {
            "This phone's keystore can no longer be opened, and its certificates cannot be used again. Clear it, then apply for the certificates again."
        }
        else -> null
    }
    val lost = state.deviceKey == DeviceKeyState.MISSING || state.deviceKey == DeviceKeyState.INVALIDATED

    Column(
        Modifier.fillMaxSize().padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(16.dp, Alignment.CenterVertically),
    ) {
        Text(state.failure.message(language))
        hint?.let { Text(it) }
        if (lost) {
            Button(onClick = onStartOver) {
                Text(if (zh) "清除本机证书库并重新开始" else "Clear the keystore and start again")
            }
        }
    }
}
