package palmbid.app.core

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.Executors
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.ExecutorCoroutineDispatcher
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.MethodOrderer
import org.junit.jupiter.api.Order
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.TestMethodOrder
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.fail
import java.security.MessageDigest
import palmbid.app.domain.FailureKind
import palmbid.app.fakes.FakeControl
import palmbid.app.fakes.FakeKeyAttestor
import palmbid.app.domain.HallNotice
import palmbid.app.domain.HallPhase
import palmbid.app.domain.HallUpdate
import palmbid.app.domain.PalmbidFailure
import palmbid.app.domain.IdentityState
import palmbid.app.domain.KeyRole
import palmbid.app.domain.KeyUseOutcome
import palmbid.app.domain.PalmbidServices
import palmbid.app.domain.Pin
import palmbid.app.domain.QrKind
import palmbid.app.domain.ScannedCode
import palmbid.app.domain.SealKind
import palmbid.app.domain.SignatureOperation
import palmbid.app.presentation.common.PinPadEvent
import palmbid.app.presentation.confirm.ConfirmEvent
import palmbid.app.presentation.confirm.ConfirmPresenter
import palmbid.app.presentation.confirm.ConfirmStep
import palmbid.app.presentation.download.DownloadEvent
import palmbid.app.presentation.download.DownloadPresenter
import palmbid.app.presentation.identity.IdentityCheckEvent
import palmbid.app.presentation.identity.IdentityCheckPresenter
import palmbid.app.presentation.identity.RecordedVideo
import palmbid.app.presentation.login.LoginEvent
import palmbid.app.presentation.login.LoginPresenter
import palmbid.app.presentation.pickup.CertificatePickupEvent
import palmbid.app.presentation.pickup.CertificatePickupPresenter
import palmbid.app.presentation.pickup.PickupStep
import palmbid.app.presentation.pin.PinEntryEvent
import palmbid.app.presentation.pin.PinEntryPresenter
import palmbid.app.presentation.pin.PinMode
import palmbid.app.presentation.pin.PinStep
import palmbid.app.presentation.project.Connection
import palmbid.app.presentation.project.ProjectEvent
import palmbid.app.presentation.project.ProjectPresenter
import palmbid.app.presentation.scan.ScanEvent
import palmbid.app.presentation.scan.ScanPresenter
import palmbid.app.presentation.settings.SettingsEvent
import palmbid.app.presentation.settings.SettingsPresenter
import palmbid.app.presentation.signaturelog.SignatureLogEvent
import palmbid.app.presentation.signaturelog.SignatureLogPresenter
import palmbid.ffi.AesGcmDeviceBinding
import palmbid.ffi.TestPlatform
import palmbid.ffi.ToolboxRun
import palmbid.ffi.tempHome

/**
 * The app's logic over the real library and the real reference platform
 * on loopback: every step goes through core's [PalmbidServices] and, where
 * a screen does it, through that screen's presenter, as the app wires them.
 * The steps build on each other (a bidder's first day), so they run in order.
 * Presenters run on one thread, as on the app's main thread.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation::class)
class RealPlatformTest {
    private lateinit var platform: TestPlatform
    private lateinit var work: Path
    private lateinit var core: PalmbidCore
    private val services: PalmbidServices get() = core.services
    private val main: ExecutorCoroutineDispatcher = Executors.newSingleThreadExecutor().asCoroutineDispatcher()
    private val scope = CoroutineScope(SupervisorJob() + main)
    private val toolboxes = mutableListOf<ToolboxRun>()

    /** Records the challenges the pickup passes to the attestor. */
    private val attestor = FakeKeyAttestor(FakeControl())

    private val root: Path get() = platform.data.resolve("ca").resolve("root.pem")

    @BeforeAll
    fun start(): Unit = runBlocking {
        platform = TestPlatform.start()
        work = tempHome()
        val hardware = AesGcmDeviceBinding()
        core = PalmbidCore.openForTesting(
            work.resolve("phone"),
            object : DeviceBinding {
                override fun seal(secret: ByteArray) = hardware.seal(secret)

                override fun unseal(sealed: ByteArray) = hardware.unseal(sealed)
            },
            attestor,
        )
    }

    @AfterAll
    fun stop() {
        scope.cancel()
        main.close()
        toolboxes.forEach { it.close() }
        if (::core.isInitialized) core.close()
        if (::platform.isInitialized) platform.close()
    }

    @Test
    @Order(1)
    fun `the platform is added in settings and the bidder logs in by SMS`() = runBlocking {
        val settings = ui { SettingsPresenter(scope, services.settings, services.accounts) }
        settings.state.until("settings loaded") { !it.loading }
        ui {
            settings.onEvent(SettingsEvent.NewPlatformNameChanged(PLATFORM))
            settings.onEvent(SettingsEvent.NewPlatformUrlChanged(platform.baseUrl))
            settings.onEvent(SettingsEvent.AddPlatform)
        }
        val added = settings.state.until("platform added") { s -> s.platforms.any { it.name == PLATFORM } }
        assertEquals(PLATFORM, added.settings.currentPlatform, "the first platform becomes the current one")

        val login = ui { LoginPresenter(scope, services.accounts, services.settings) }
        val loaded = login.state.until("login loaded") { it.terms != null }
        assertEquals(PLATFORM, loaded.platform)
        ui {
            login.onEvent(LoginEvent.PhoneChanged(PHONE))
            login.onEvent(LoginEvent.SendCode)
        }
        val sent = login.state.until("code sent") { it.codeSent && !it.busy }
        assertTrue(sent.resendInSeconds > 0, "the resend countdown runs: ${sent.resendInSeconds}")

        ui {
            login.onEvent(LoginEvent.CodeChanged("000000"))
            login.onEvent(LoginEvent.AgreementToggled(true))
            login.onEvent(LoginEvent.Submit)
        }
        val refused = login.state.until("wrong code refused") { it.error != null }
        assertEquals("auth.sms_code_wrong", refused.error?.code)
        assertEquals("", refused.code, "the code leaves the state after an attempt")

        ui {
            login.onEvent(LoginEvent.CodeChanged(platform.smsCode(PHONE)))
            login.onEvent(LoginEvent.Submit)
        }
        val session = login.state.until("logged in") { it.session != null }.session
        assertEquals(PHONE, session?.phone)
        assertEquals(PHONE, services.accounts.session(PLATFORM)?.phone)
    }

    @Test
    @Order(2)
    fun `the identity check passes, and the certificates are picked up and downloaded`() = runBlocking {
        val identity = ui { IdentityCheckPresenter(scope, services.accounts, services.settings) }
        identity.state.until("identity loaded") { !it.loading }
        ui {
            identity.onEvent(IdentityCheckEvent.NameChanged(NAME))
            identity.onEvent(IdentityCheckEvent.IdNumberChanged(ID_NUMBER))
            identity.onEvent(IdentityCheckEvent.RequestCode)
        }
        identity.state.until("identity code") { it.code != null }
        ui {
            identity.onEvent(IdentityCheckEvent.VideoRecorded(RecordedVideo("video".toByteArray())))
            identity.onEvent(IdentityCheckEvent.Submit)
        }
        val checked = identity.state.until("identity decided") { it.status?.state == IdentityState.APPROVED }
        assertEquals(null, checked.videoBytes, "the video is dropped after submission")

        platform.registerCompany(COMPANY, CREDIT_CODE)
        val order = platform.enterOrder(NAME, PHONE, COMPANY, CREDIT_CODE, listOf("personal"))
        platform.approve(order)
        val scanned = services.scan.scan(platform.pickupUrl(order))
        check(scanned is ScannedCode.Pickup) { "a pickup code scanned as $scanned" }
        assertEquals(COMPANY, scanned.pickup.company)

        val pickup = ui { CertificatePickupPresenter(scope, services.pickup, scanned.pickup) }
        ui {
            pickup.onEvent(CertificatePickupEvent.Accept)
            type(PIN) { pickup.onEvent(CertificatePickupEvent.Pin(it)) }
            type("135791") { pickup.onEvent(CertificatePickupEvent.Pin(it)) }
        }
        assertTrue(pickup.state.value.pinMismatch, "a different repeat is caught before the core")
        ui {
            type(PIN) { pickup.onEvent(CertificatePickupEvent.Pin(it)) }
            type(PIN) { pickup.onEvent(CertificatePickupEvent.Pin(it)) }
        }
        val done = pickup.state.until("picked up") { it.step == PickupStep.DONE || it.error != null }
        assertEquals(PickupStep.DONE, done.step, "pickup failed: ${done.error}")
        assertEquals(scanned.pickup.pickupId, done.result?.pickupId)
        // The attestation is bound to this order: SHA-256 over the domain
        // label, a zero byte and the pickup id, as the core defines it.
        val expected = MessageDigest.getInstance("SHA-256").run {
            update("palmbid/pickup-attestation/v1".toByteArray())
            update(0)
            digest(scanned.pickup.pickupId.toByteArray())
        }
        assertArrayEquals(expected, attestor.challenges.single(), "the attestation challenge of the order")

        val download = ui { DownloadPresenter(scope, services.pickup) }
        download.state.until("pickups listed") { it.pickups.isNotEmpty() }
        ui {
            download.onEvent(DownloadEvent.Choose(scanned.pickup.pickupId))
            type("000000") { download.onEvent(DownloadEvent.Pin(it)) }
        }
        val wrong = download.state.until("wrong PIN refused") { it.error != null }
        assertEquals(FailureKind.WRONG_PIN, wrong.error?.kind)
        ui { type(PIN) { download.onEvent(DownloadEvent.Pin(it)) } }
        val downloaded = download.state.until("downloaded") { it.result != null }.result
        assertEquals(CREDIT_CODE, downloaded?.creditCode)

        val credential = services.certificates.credentials().single()
        assertEquals(COMPANY, credential.company, "the company comes from the certificate's subject")
        assertEquals(KeyRole.SIGNING, credential.signing?.role)
        assertEquals(KeyRole.ENCRYPTION, credential.encryption?.role)
        assertEquals(6, credential.pin.triesLeft, "the right PIN after the wrong one reset the count")
    }

    @Test
    @Order(3)
    fun `a QR login of the toolbox goes through the scanner and the confirm screen`() = runBlocking {
        val run = toolbox("app-login-pc", listOf("login"))
        val number = run.matchNumber()
        confirm(run, QrKind.LOGIN, number)
        assertEquals(0, run.exitStatus(), run.stderr)
        assertTrue(run.stdout.contains("Logged in as:"), run.stdout)
    }

    @Test
    @Order(4)
    fun `a QR signature is refused with a wrong PIN and made with the right one`() = runBlocking {
        val document = work.resolve("投标函.txt")
        Files.writeString(document, "第一标段投标函")
        val signature = work.resolve("投标函.p7s")
        val run = toolbox("app-sign-pc", listOf("sign", "--in", document.toString(), "--out", signature.toString()))
        val presenter = scanAndConfirm(run, QrKind.SIGN)
        assertEquals(document.fileName.toString(), presenter.state.value.details?.document?.name)

        ui {
            presenter.onEvent(ConfirmEvent.Continue)
            type("000000") { presenter.onEvent(ConfirmEvent.Pin(it)) }
        }
        val wrong = presenter.state.until("wrong PIN") { it.error != null }
        assertEquals(ConfirmStep.PIN, wrong.step)
        assertEquals(FailureKind.WRONG_PIN, wrong.error?.kind)
        assertEquals(5, wrong.pinPad.triesLeft, "the core counted the try; a right PIN reset the earlier one")

        ui { type(PIN) { presenter.onEvent(ConfirmEvent.Pin(it)) } }
        presenter.state.until("signed") { it.step == ConfirmStep.DONE }
        assertEquals(0, run.exitStatus(), run.stderr)
        assertTrue(Files.size(signature) > 0)
    }

    @Test
    @Order(5)
    fun `in the hall the bidder signs in and decrypts its bid through the project screen`() = runBlocking {
        val id = platform.createHallProject("示范教学楼工程", 30, listOf(CREDIT_CODE to COMPANY))
        val bid = uploadBid(id)

        val presenter = ui { ProjectPresenter(scope, services.hall, services.certificates, PLATFORM, id) }
        val live = presenter.state.until("project live") {
            it.connection == Connection.LIVE && it.hall?.project?.phase == HallPhase.SIGN_IN && it.bids.isNotEmpty()
        }
        assertEquals(bid, live.bids.single().bidId)

        ui {
            presenter.onEvent(ProjectEvent.SignIn)
            type(PIN) { presenter.onEvent(ProjectEvent.Pin(it)) }
        }
        val signedIn = presenter.state.until("signed in") { it.signIn != null || it.error != null }
        assertEquals(CREDIT_CODE, signedIn.signIn?.creditCode, "sign-in failed: ${signedIn.error}")
        presenter.state.until("sign-in counted by the stream") { (it.hall?.progress?.signedIn ?: 0) >= 1 }

        platform.moveHall(id, "decryption")
        presenter.state.until("decryption phase") { it.hall?.project?.phase == HallPhase.DECRYPTION }
        ui {
            presenter.onEvent(ProjectEvent.Decrypt(bid))
            type(PIN) { presenter.onEvent(ProjectEvent.Pin(it)) }
        }
        val decrypted = presenter.state.until("decrypted") { s -> s.bids.any { it.decrypted } || s.error != null }
        assertNotNull(decrypted.bids.single().takeIf { it.decrypted }, "decryption failed: ${decrypted.error}")
        assertEquals(QUOTE, decrypted.bids.single().quote)
    }

    @Test
    @Order(6)
    fun `the core's watch ends with the project, and a foreign project fails it with the core's code`() = runBlocking {
        val id = platform.createHallProject("示范照明采购", 30, listOf(CREDIT_CODE to COMPANY))
        val updates = java.util.concurrent.CopyOnWriteArrayList<HallUpdate>()
        val collecting = launch(Dispatchers.IO) { services.hall.watch(PLATFORM, id).collect { updates += it } }
        withTimeout(60_000) {
            while (updates.none { it is HallUpdate.State }) delay(50)
        }
        for (phase in listOf("decryption", "quote_reading", "quote_confirmation", "evaluation", "closed")) {
            platform.moveHall(id, phase)
        }
        withTimeout(60_000) { collecting.join() }
        val last = updates.filterIsInstance<HallUpdate.State>().last().state
        assertEquals(HallPhase.CLOSED, last.project.phase)
        assertTrue(updates.any { it is HallUpdate.Connected }, updates.toString())
        assertTrue(
            updates.any { it is HallUpdate.Notice && it.notice == HallNotice.PhaseStarted(HallPhase.QUOTE_READING) },
            updates.toString(),
        )

        val foreign = platform.createHallProject("他人项目", 30, listOf("91310000132200821H" to "其他公司"))
        val refused = assertThrows<PalmbidFailure> {
            runBlocking { withTimeout(60_000) { services.hall.watch(PLATFORM, foreign).collect {} } }
        }
        assertEquals("hall.not_a_bidder", refused.code)
        assertTrue(refused.messageZh.isNotBlank())
        assertTrue(refused.messageEn.isNotBlank())
    }

    @Test
    @Order(7)
    fun `cancelling a watch's collection stops the native watch`() = runBlocking {
        val hall = services.hall as CoreHallService
        val id = platform.createHallProject("示范取消跟踪", 30, listOf(CREDIT_CODE to COMPANY))
        // The project screen of an earlier step still follows its project.
        val before = hall.openWatches.get()
        val states = Channel<HallUpdate>(Channel.UNLIMITED)
        val collecting = launch(Dispatchers.IO) { hall.watch(PLATFORM, id).collect { states.send(it) } }
        withTimeout(60_000) {
            while (states.receive() !is HallUpdate.State) {
                // Connected comes first; wait for the first state.
            }
        }
        assertEquals(before + 1, hall.openWatches.get())

        collecting.cancel()
        withTimeout(10_000) { collecting.join() }
        assertEquals(before, hall.openWatches.get(), "the watch was stopped and freed")
    }

    @Test
    @Order(8)
    fun `the PIN screen changes the PIN in the keystore, counting a wrong current one`() = runBlocking {
        val credential = services.certificates.credentials().single().credentialId
        val change = ui { PinEntryPresenter(scope, services.certificates, PinMode.CHANGE, credential) }
        change.state.until("tries loaded") { it.pinPad.triesLeft == 6 }
        ui {
            type("000000") { change.onEvent(PinEntryEvent.Pin(it)) }
            type(NEW_PIN) { change.onEvent(PinEntryEvent.Pin(it)) }
            type(NEW_PIN) { change.onEvent(PinEntryEvent.Pin(it)) }
        }
        val wrong = change.state.until("wrong current PIN") { it.error != null }
        assertEquals("keystore.pin_incorrect", wrong.error?.code)
        assertEquals(5, wrong.pinPad.triesLeft)
        assertEquals(PinStep.CURRENT, wrong.step)

        ui {
            type(PIN) { change.onEvent(PinEntryEvent.Pin(it)) }
            type(NEW_PIN) { change.onEvent(PinEntryEvent.Pin(it)) }
            type(NEW_PIN) { change.onEvent(PinEntryEvent.Pin(it)) }
        }
        change.state.until("changed") { it.done }
        assertEquals(6, services.certificates.pinState(credential).triesLeft)

        val signIn = assertThrows<PalmbidFailure> {
            runBlocking {
                val id = platform.createHallProject("示范改密项目", 30, listOf(CREDIT_CODE to COMPANY))
                services.hall.signIn(PLATFORM, id, Pin.of(PIN.toCharArray()))
            }
        }
        assertEquals("keystore.pin_incorrect", signIn.code, "the old PIN no longer opens the key")
    }

    @Test
    @Order(9)
    fun `the signature log lists every PIN entry, and the credential shows its seals`() = runBlocking {
        val credential = services.certificates.credentials().single()
        assertEquals(listOf(SealKind.PERSONAL), credential.seals.map { it.kind }, "the order carried a personal seal")
        assertTrue(credential.seals.single().png.isNotEmpty())

        val presenter = ui { SignatureLogPresenter(scope, services.signatureLog, pageSize = 3) }
        presenter.state.until("first page") { !it.loading }
        ui { presenter.onEvent(SignatureLogEvent.LoadMore) }
        val page = presenter.state.until("second page") { it.entries.size > 3 || it.endReached }
        assertEquals(page.entries.sortedByDescending { it.id }, page.entries, "newest first")

        val all = services.signatureLog.entries(1_000)
        val operations = all.map { it.operation }.toSet()
        for (expected in listOf(
            SignatureOperation.QR_LOGIN,
            SignatureOperation.QR_SIGN,
            SignatureOperation.ENCRYPTION_CERTIFICATE,
            SignatureOperation.HALL_SIGN_IN,
            SignatureOperation.HALL_DECRYPT,
            SignatureOperation.PIN_CHANGE,
        )) {
            assertTrue(expected in operations, "$expected in $operations")
        }
        val refused = all.filter { it.refused }
        assertTrue(refused.all { it.outcome == KeyUseOutcome.WRONG_PIN }, "only wrong PINs were typed: $refused")
        assertTrue(refused.any { it.operation == SignatureOperation.QR_SIGN }, "the wrong PIN on the signature is logged: $refused")
        assertTrue(refused.any { it.operation == SignatureOperation.HALL_SIGN_IN }, "the old PIN after the change is logged: $refused")
        val signed = all.first { it.operation == SignatureOperation.QR_SIGN && it.outcome == KeyUseOutcome.USED }
        assertEquals("投标函.txt", signed.documentName)
        assertEquals(64, signed.documentSha256?.length)
        assertEquals(credential.credentialId, signed.credentialId)
        assertEquals(KeyRole.SIGNING, signed.role)
        assertNotNull(signed.keyId)
        assertNotNull(signed.requester, "a QR request names who asked")
        // A key release unlocks the encryption key to open the bid, then the signing key for the proof.
        val release = all.filter { it.operation == SignatureOperation.HALL_DECRYPT && it.outcome == KeyUseOutcome.USED }
        assertEquals(setOf(KeyRole.ENCRYPTION, KeyRole.SIGNING), release.map { it.role }.toSet(), "$release")
        assertTrue(release.all { it.project != null }, "a hall use names its project: $release")

        val pinChanges = all.filter { it.operation == SignatureOperation.PIN_CHANGE }
        assertEquals(listOf(KeyUseOutcome.USED, KeyUseOutcome.WRONG_PIN), pinChanges.map { it.outcome }, "newest first")
        assertTrue(pinChanges.all { it.keyId == null }, "a PIN change names no key: $pinChanges")
        assertTrue(pinChanges.all { it.role == null }, "$pinChanges")
        assertTrue(pinChanges.all { it.credentialId == credential.credentialId }, "$pinChanges")

        assertEquals(all.drop(1).take(2), services.signatureLog.entries(2, before = all.first().id))
    }

    /** Packs, encrypts (QR: encryption certificate) and uploads (QR: login) a bid for project [id]; returns its id. */
    private suspend fun uploadBid(id: String): String {
        val letter = work.resolve("bid-letter-$id.txt")
        Files.writeString(letter, "投标函：报价 $QUOTE 元")
        val pack = work.resolve("bid-$id.json")
        val packing = toolbox(
            "app-bid-pc",
            listOf("pack", "--project", id, "--quote", QUOTE, "--credit-code", CREDIT_CODE, "-o", pack.toString(), letter.toString()),
        )
        assertEquals(0, packing.exitStatus(), packing.stderr)

        val envelope = work.resolve("bid-$id.p7m")
        val encrypting = toolbox("app-bid-pc", listOf("encrypt", "--in", pack.toString(), "--out", envelope.toString()))
        confirm(encrypting, QrKind.ENCRYPTION_CERTIFICATE, null)
        assertEquals(0, encrypting.exitStatus(), encrypting.stderr)

        val uploading = toolbox("app-bid-pc", listOf("upload", "--project", id, envelope.toString()))
        confirm(uploading, QrKind.LOGIN, uploading.matchNumber())
        assertEquals(0, uploading.exitStatus(), uploading.stderr)
        return Regex("bid: ([0-9a-f]+)").find(uploading.stdout)?.groupValues?.get(1)
            ?: fail("the toolbox printed no bid id:\n${uploading.stdout}")
    }

    /** Scans [run]'s code, checks its kind, and answers it through the confirm screen. */
    private suspend fun confirm(run: ToolboxRun, kind: QrKind, number: Int?) {
        val presenter = scanAndConfirm(run, kind)
        ui {
            if (number != null) presenter.onEvent(ConfirmEvent.NumberChosen(number))
        }
        presenter.state.until("review") { it.step == ConfirmStep.REVIEW || it.error != null }
        ui {
            presenter.onEvent(ConfirmEvent.Continue)
            type(PIN) { presenter.onEvent(ConfirmEvent.Pin(it)) }
        }
        val done = presenter.state.until("answered") { it.step == ConfirmStep.DONE || it.error != null }
        assertEquals(ConfirmStep.DONE, done.step, "answer failed: ${done.error}")
    }

    private suspend fun scanAndConfirm(run: ToolboxRun, kind: QrKind): ConfirmPresenter {
        val scanner = ui { ScanPresenter(scope, services.scan) }
        ui { scanner.onEvent(ScanEvent.Scanned(run.freshQr())) }
        val result = scanner.state.until("scanned") { it.result != null || it.error != null }
        val code = result.result
        check(code is ScannedCode.Request) { "the toolbox's code scanned as $code, error ${result.error}" }
        assertEquals(kind, code.request.details.kind)
        assertEquals(PLATFORM, code.request.details.platform)
        return ui { ConfirmPresenter(scope, code.request, services.certificates) }
    }

    private fun toolbox(machine: String, action: List<String>): ToolboxRun =
        ToolboxRun.start(platform.baseUrl, root, machine, action, work).also { toolboxes += it }

    /** Runs [body] on the presenters' thread, as the app's main thread would. */
    private suspend fun <T> ui(body: () -> T): T = withContext(main) { body() }

    private fun type(digits: String, press: (PinPadEvent) -> Unit) {
        digits.forEach { press(PinPadEvent.Digit(it - '0')) }
        press(PinPadEvent.Submit)
    }

    /** Waits up to a minute for a state matching [predicate]; fails with the last state otherwise. */
    private suspend fun <S> StateFlow<S>.until(what: String, predicate: (S) -> Boolean): S = try {
        withTimeout(60_000) { first(predicate) }
    } catch (e: TimeoutCancellationException) {
        fail("no state '$what' within 60 s; last: $value")
    }

    private companion object {
        const val PLATFORM = "示范平台"
        const val PHONE = "13800138311"
        const val PIN = "135790"
        const val NEW_PIN = "802461"
        const val NAME = "赵六"
        const val COMPANY = "示范路桥建设有限公司"
        const val CREDIT_CODE = "91110000802100433B"
        const val QUOTE = "1234567.89"

        /** The worked example of GB 11643-1999. */
        const val ID_NUMBER = "11010519491231002X"
    }
}
