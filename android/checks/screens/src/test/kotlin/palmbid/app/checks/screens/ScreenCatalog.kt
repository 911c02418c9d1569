package palmbid.app.checks.screens

import androidx.compose.runtime.Composable
import palmbid.app.ui.certificates.CertificatesScreen
import palmbid.app.ui.confirm.ConfirmScreen
import palmbid.app.ui.download.DownloadScreen
import palmbid.app.ui.guarantees.GuaranteesScreen
import palmbid.app.ui.hall.HallListScreen
import palmbid.app.ui.home.HomeScreen
import palmbid.app.ui.identity.IdentityCheckScreen
import palmbid.app.ui.login.LoginScreen
import palmbid.app.ui.messages.MessagesScreen
import palmbid.app.ui.pickup.CertificatePickupScreen
import palmbid.app.ui.pin.PinEntryScreen
import palmbid.app.ui.project.ProjectScreen
import palmbid.app.ui.samples.CertificatesSamples
import palmbid.app.ui.samples.ConfirmSamples
import palmbid.app.ui.samples.DownloadSamples
import palmbid.app.ui.samples.GuaranteesSamples
import palmbid.app.ui.samples.HallListSamples
import palmbid.app.ui.samples.HomeSamples
import palmbid.app.ui.samples.IdentitySamples
import palmbid.app.ui.samples.LoginSamples
import palmbid.app.ui.samples.MessagesSamples
import palmbid.app.ui.samples.PickupSamples
import palmbid.app.ui.samples.PinSamples
import palmbid.app.ui.samples.ProjectSamples
import palmbid.app.ui.samples.ScanSamples
import palmbid.app.ui.samples.SettingsSamples
import palmbid.app.ui.samples.SignatureLogSamples
import palmbid.app.ui.scan.ScanScreen
import palmbid.app.ui.settings.SettingsScreen
import palmbid.app.ui.signaturelog.SignatureLogScreen

/** One sample state of one screen, ready to compose. */
class Sample(val screen: String, val state: String, val content: @Composable () -> Unit)

/** Each screen's samples bound to its composable; events go nowhere. */
private fun <S> screen(name: String, samples: Map<String, S>, draw: @Composable (S) -> Unit): List<Sample> =
    samples.map { (state, value) -> Sample(name, state, { draw(value) }) }

/** Every sample state of every screen, in the order the index shows them. */
val allSamples: List<Sample> = listOf(
    screen("home", HomeSamples.all) { HomeScreen(it, {}) },
    screen("login", LoginSamples.all) { LoginScreen(it, {}) },
    screen("identity", IdentitySamples.all) { IdentityCheckScreen(it, {}) },
    screen("pickup", PickupSamples.all) { CertificatePickupScreen(it, {}) },
    screen("download", DownloadSamples.all) { DownloadScreen(it, {}) },
    screen("certificates", CertificatesSamples.all) { CertificatesScreen(it, {}) },
    screen("pin", PinSamples.all) { PinEntryScreen(it, {}) },
    screen("scan", ScanSamples.all) { ScanScreen(it, {}) },
    screen("confirm", ConfirmSamples.all) { ConfirmScreen(it, {}) },
    screen("hall", HallListSamples.all) { HallListScreen(it, {}) },
    screen("project", ProjectSamples.all) { ProjectScreen(it, {}) },
    screen("guarantees", GuaranteesSamples.all) { GuaranteesScreen(it, {}) },
    screen("signature-log", SignatureLogSamples.all) { SignatureLogScreen(it, {}) },
    screen("settings", SettingsSamples.all) { SettingsScreen(it, {}) },
    screen("messages", MessagesSamples.all) { MessagesScreen(it, {}) },
).flatten()
