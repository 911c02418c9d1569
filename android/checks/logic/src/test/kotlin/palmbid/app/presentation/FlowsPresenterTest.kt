package palmbid.app.presentation

import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import palmbid.app.domain.GuaranteeState
import palmbid.app.domain.IdentityState
import palmbid.app.domain.Language
import palmbid.app.domain.QrKind
import palmbid.app.domain.ScannedCode
import palmbid.app.fakes.Samples
import palmbid.app.presentation.download.DownloadEvent
import palmbid.app.presentation.download.DownloadPresenter
import palmbid.app.presentation.guarantees.GuaranteesEvent
import palmbid.app.presentation.guarantees.GuaranteesPresenter
import palmbid.app.presentation.identity.IdentityCheckEvent
import palmbid.app.presentation.identity.IdentityCheckPresenter
import palmbid.app.presentation.identity.RecordedVideo
import palmbid.app.presentation.login.LoginEvent
import palmbid.app.presentation.login.LoginPresenter
import palmbid.app.presentation.pickup.CertificatePickupEvent
import palmbid.app.presentation.pickup.CertificatePickupPresenter
import palmbid.app.presentation.pickup.PickupStep
import palmbid.app.presentation.scan.ScanEvent
import palmbid.app.presentation.scan.ScanPhase
import palmbid.app.presentation.scan.ScanPresenter
import palmbid.app.presentation.settings.SettingsEvent
import palmbid.app.presentation.settings.SettingsPresenter

@OptIn(ExperimentalCoroutinesApi::class)
class FlowsPresenterTest {
    @Test
    fun `login sends the code, counts down to the resend and logs in`() = runTest {
        val fakes = fakes(loggedIn = false)
        val now = { Samples.NOW.plusMillis(testScheduler.currentTime) }
        val presenter = LoginPresenter(backgroundScope, fakes.accounts, fakes.settings, now)
        runCurrent()
        assertEquals(Samples.PLATFORM, presenter.state.value.platform)
        assertNotNull(presenter.state.value.terms)

        presenter.onEvent(LoginEvent.PhoneChanged("138-0013-8000"))
        assertEquals(Samples.PHONE, presenter.state.value.phone)
        presenter.onEvent(LoginEvent.SendCode)
        runCurrent()
        assertEquals(60, presenter.state.value.resendInSeconds)
        assertFalse(presenter.state.value.canSendCode)
        advanceTimeBy(30_500)
        assertEquals(30, presenter.state.value.resendInSeconds)
        advanceTimeBy(30_000)
        assertEquals(0, presenter.state.value.resendInSeconds)
        assertTrue(presenter.state.value.canSendCode)

        presenter.onEvent(LoginEvent.CodeChanged("999999"))
        presenter.onEvent(LoginEvent.Submit)
        assertFalse(presenter.state.value.canLogin, "no login before the consent box is ticked")
        assertEquals(0, fakes.control.count("AccountService.login"))

        presenter.onEvent(LoginEvent.AgreementToggled(true))
        presenter.onEvent(LoginEvent.Submit)
        runCurrent()
        assertEquals("auth.sms_code_wrong", presenter.state.value.error?.code)
        assertEquals("", presenter.state.value.code)

        presenter.onEvent(LoginEvent.CodeChanged(Samples.SMS_CODE))
        presenter.onEvent(LoginEvent.Submit)
        runCurrent()
        assertEquals(Samples.PHONE, presenter.state.value.session?.phone)
        assertEquals("", presenter.state.value.code)
        assertEquals(Samples.PLATFORM, fakes.settings.settings.value.currentPlatform)
    }

    @Test
    fun `the identity check counts its code down and submits the video once`() = runTest {
        val fakes = fakes()
        val now = { Samples.NOW.plusMillis(testScheduler.currentTime) }
        val presenter = IdentityCheckPresenter(backgroundScope, fakes.accounts, fakes.settings, now)
        runCurrent()
        assertEquals(IdentityState.NOT_SUBMITTED, presenter.state.value.status?.state)

        presenter.onEvent(IdentityCheckEvent.NameChanged(Samples.NAME))
        presenter.onEvent(IdentityCheckEvent.IdNumberChanged("11010519491231002x"))
        assertTrue(presenter.state.value.idNumberValid)
        presenter.onEvent(IdentityCheckEvent.RequestCode)
        runCurrent()
        assertEquals(600, presenter.state.value.codeSecondsLeft)
        advanceTimeBy(100_500)
        assertEquals(500, presenter.state.value.codeSecondsLeft)

        presenter.onEvent(IdentityCheckEvent.VideoRecorded(RecordedVideo(ByteArray(2048))))
        assertEquals(2048L, presenter.state.value.videoBytes)
        presenter.onEvent(IdentityCheckEvent.Submit)
        runCurrent()
        assertEquals(IdentityState.APPROVED, presenter.state.value.status?.state)
        assertNull(presenter.state.value.videoBytes)
        presenter.onEvent(IdentityCheckEvent.Submit)
        runCurrent()
        assertEquals(1, fakes.control.count("AccountService.submitIdentity"), "the video went once")
    }

    @Test
    fun `pickup asks the new PIN twice, refuses a trivial one and installs`() = runTest {
        val fakes = fakes(withCertificate = false)
        val presenter = CertificatePickupPresenter(backgroundScope, fakes.pickup, Samples.pickup)
        fun type(digits: String) = keys(digits).forEach { presenter.onEvent(CertificatePickupEvent.Pin(it)) }

        type(Samples.PIN)
        assertEquals(PickupStep.REVIEW, presenter.state.value.step, "no PIN before the order is accepted")
        presenter.onEvent(CertificatePickupEvent.Accept)
        type(Samples.PIN)
        assertEquals(PickupStep.REPEAT_PIN, presenter.state.value.step)
        type("000000")
        assertTrue(presenter.state.value.pinMismatch)
        assertEquals(PickupStep.NEW_PIN, presenter.state.value.step)

        type("123456")
        type("123456")
        runCurrent()
        assertEquals("keystore.pin_ascending", presenter.state.value.error?.code)
        assertEquals(PickupStep.NEW_PIN, presenter.state.value.step)

        type(Samples.PIN)
        type(Samples.PIN)
        assertEquals(PickupStep.WORKING, presenter.state.value.step)
        runCurrent()
        assertEquals(PickupStep.DONE, presenter.state.value.step)
        assertEquals(Samples.signing.certificate, presenter.state.value.result?.signing)
        assertEquals(6, fakes.pins.state(Samples.CREDENTIAL).triesLeft, "installed under the chosen PIN")
    }

    @Test
    fun `download asks the PIN of the chosen pickup`() = runTest {
        val fakes = fakes(withCertificate = false)
        fakes.pickup.pickUp(Samples.pickup, palmbid.app.domain.Pin.of(Samples.PIN.toCharArray()))
        val presenter = DownloadPresenter(backgroundScope, fakes.pickup)
        runCurrent()
        presenter.onEvent(DownloadEvent.Choose(Samples.pickup.pickupId))
        keys("999999").forEach { presenter.onEvent(DownloadEvent.Pin(it)) }
        runCurrent()
        assertEquals("keystore.pin_incorrect", presenter.state.value.error?.code)
        assertFalse(presenter.state.value.pinPad.busy)

        keys(Samples.PIN).forEach { presenter.onEvent(DownloadEvent.Pin(it)) }
        runCurrent()
        assertEquals(Samples.CREDIT_CODE, presenter.state.value.result?.creditCode)
    }

    @Test
    fun `the scanner judges one code at a time and shows a refusal until retry`() = runTest {
        val fakes = fakes()
        val presenter = ScanPresenter(backgroundScope, fakes.scan)
        presenter.onEvent(ScanEvent.Scanned("https://elsewhere.example/q/1"))
        assertEquals(ScanPhase.CHECKING, presenter.state.value.phase)
        presenter.onEvent(ScanEvent.Scanned("https://elsewhere.example/q/1"))
        runCurrent()
        assertEquals("qr.invalid_code", presenter.state.value.error?.code)
        assertEquals(1, fakes.control.count("ScanService.scan"), "a frame read while checking is ignored")

        presenter.onEvent(ScanEvent.Scanned(Samples.qrText(QrKind.SIGN)))
        runCurrent()
        assertNull(presenter.state.value.result, "a refusal stays until retry")
        presenter.onEvent(ScanEvent.Retry)
        presenter.onEvent(ScanEvent.Scanned(Samples.qrText(QrKind.SIGN)))
        runCurrent()
        assertTrue(presenter.state.value.result is ScannedCode.Request)

        val blocked = ScanPresenter(backgroundScope, fakes.scan, cameraPermitted = false)
        blocked.onEvent(ScanEvent.Scanned(Samples.PICKUP_TEXT))
        assertEquals(ScanPhase.NO_PERMISSION, blocked.state.value.phase)
        blocked.onEvent(ScanEvent.PermissionGranted)
        blocked.onEvent(ScanEvent.Scanned(Samples.PICKUP_TEXT))
        runCurrent()
        assertEquals(ScannedCode.Pickup(Samples.pickup), blocked.state.value.result)
    }

    @Test
    fun `guarantees go from project to section to a signed application`() = runTest {
        val fakes = fakes()
        val presenter = GuaranteesPresenter(backgroundScope, fakes.guarantees, fakes.certificates, fakes.settings, fakes.accounts)
        runCurrent()
        assertEquals(listOf(Samples.guaranteeProject), presenter.state.value.projects)
        assertEquals(2, presenter.state.value.institutions.size)

        presenter.onEvent(GuaranteesEvent.ProjectChosen(Samples.guaranteeProject.id))
        runCurrent()
        presenter.onEvent(GuaranteesEvent.SectionChosen(2))
        runCurrent()
        assertEquals("hall.not_a_section_bidder", presenter.state.value.error?.code)
        presenter.onEvent(GuaranteesEvent.SectionChosen(1))
        runCurrent()
        assertEquals(GuaranteeState.NONE, presenter.state.value.view?.state)

        presenter.onEvent(GuaranteesEvent.Apply("inst-bank"))
        keys("000000").forEach { presenter.onEvent(GuaranteesEvent.Pin(it)) }
        runCurrent()
        assertEquals(5, presenter.state.value.pinPad.triesLeft)
        keys(Samples.PIN).forEach { presenter.onEvent(GuaranteesEvent.Pin(it)) }
        runCurrent()
        assertEquals("示范银行", presenter.state.value.application?.institution?.name)
        assertEquals(GuaranteeState.APPLIED, presenter.state.value.view?.state)
        assertNull(presenter.state.value.applyTo)

        presenter.onEvent(GuaranteesEvent.Up)
        assertNull(presenter.state.value.code)
        presenter.onEvent(GuaranteesEvent.Up)
        assertNull(presenter.state.value.sections)
    }

    @Test
    fun `the guarantee pad counts the tries of the credential that signs`() = runTest {
        val fakes = fakes()
        // After a renewal the new credential, with one wrong try behind it, signs.
        fakes.pins.register("credential-renewed", "246813")
        fakes.guarantees.signingCredential = "credential-renewed"
        val presenter = GuaranteesPresenter(backgroundScope, fakes.guarantees, fakes.certificates, fakes.settings, fakes.accounts)
        runCurrent()
        presenter.onEvent(GuaranteesEvent.ProjectChosen(Samples.guaranteeProject.id))
        runCurrent()
        presenter.onEvent(GuaranteesEvent.SectionChosen(1))
        runCurrent()

        presenter.onEvent(GuaranteesEvent.Apply("inst-bank"))
        runCurrent()
        assertEquals(6, presenter.state.value.pinPad.triesLeft)
        keys(Samples.PIN).forEach { presenter.onEvent(GuaranteesEvent.Pin(it)) }
        runCurrent()
        assertEquals(5, presenter.state.value.pinPad.triesLeft, "the renewed credential's count")
        assertEquals(6, fakes.pins.state(Samples.CREDENTIAL).triesLeft)
        presenter.onEvent(GuaranteesEvent.CancelPin)
        presenter.onEvent(GuaranteesEvent.Apply("inst-bank"))
        runCurrent()
        assertEquals(5, presenter.state.value.pinPad.triesLeft, "a new pad shows the count it left")
        keys("246813").forEach { presenter.onEvent(GuaranteesEvent.Pin(it)) }
        runCurrent()
        assertEquals(GuaranteeState.APPLIED, presenter.state.value.view?.state)
    }

    @Test
    fun `settings change the language, add and remove a platform`() = runTest {
        val fakes = fakes()
        val presenter = SettingsPresenter(backgroundScope, fakes.settings, fakes.accounts)
        runCurrent()
        assertEquals(1, presenter.state.value.platforms.size)

        presenter.onEvent(SettingsEvent.LanguageChosen(Language.EN))
        runCurrent()
        assertEquals(Language.EN, presenter.state.value.settings.language)

        presenter.onEvent(SettingsEvent.NewPlatformNameChanged("第二平台"))
        presenter.onEvent(SettingsEvent.NewPlatformUrlChanged("ftp://x"))
        assertFalse(presenter.state.value.canAddPlatform)
        presenter.onEvent(SettingsEvent.NewPlatformUrlChanged(" https://second.example/ "))
        presenter.onEvent(SettingsEvent.AddPlatform)
        runCurrent()
        assertEquals(listOf(Samples.PLATFORM, "第二平台"), presenter.state.value.platforms.map { it.name })
        assertEquals("", presenter.state.value.newPlatformName)

        presenter.onEvent(SettingsEvent.NewPlatformNameChanged("第二平台"))
        presenter.onEvent(SettingsEvent.NewPlatformUrlChanged("https://again.example/"))
        presenter.onEvent(SettingsEvent.AddPlatform)
        runCurrent()
        assertEquals("account.platform_exists", presenter.state.value.error?.code)

        presenter.onEvent(SettingsEvent.RemovePlatform(Samples.PLATFORM))
        presenter.onEvent(SettingsEvent.ConfirmRemove)
        runCurrent()
        assertEquals(listOf("第二平台"), presenter.state.value.platforms.map { it.name })
        assertNull(fakes.settings.settings.value.currentPlatform, "the removed platform is no longer current")
    }
}
