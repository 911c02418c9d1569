package palmbid.app.ui.pickup

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import palmbid.app.domain.Credential
import palmbid.app.domain.KeyRole
import palmbid.app.domain.OrderState
import palmbid.app.domain.PinState
import palmbid.app.domain.StoredCertificate
import palmbid.app.presentation.pickup.CertificatePickupEvent
import palmbid.app.presentation.pickup.CertificatePickupState
import palmbid.app.presentation.pickup.PickupStep
import palmbid.app.ui.components.CertificateCard
import palmbid.app.ui.components.InfoRow
import palmbid.app.ui.components.LoadingBlock
import palmbid.app.ui.components.PinKeypad
import palmbid.app.ui.components.ScreenFrame
import palmbid.app.ui.components.SectionTitle
import palmbid.app.ui.components.Tag
import palmbid.app.ui.components.orderState
import palmbid.app.ui.components.seal
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.theme.PalmbidColors

/** Certificate pickup: check the order, choose the PIN twice, then the installed certificates. */
@Composable
fun CertificatePickupScreen(state: CertificatePickupState, onEvent: (CertificatePickupEvent) -> Unit, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    val pinStep = state.step == PickupStep.NEW_PIN || state.step == PickupStep.REPEAT_PIN
    ScreenFrame(
        title = s.pickupTitle,
        modifier = modifier,
        onBack = { onEvent(CertificatePickupEvent.Back) },
        error = state.error,
        onRetry = { onEvent(CertificatePickupEvent.Retry) },
        bottom = when {
            pinStep -> {
                {
                    PinKeypad(
                        state.pinPad,
                        if (state.step == PickupStep.NEW_PIN) s.pinNewTitle else s.pinRepeatTitle,
                        { onEvent(CertificatePickupEvent.Pin(it)) },
                    )
                }
            }
            state.step == PickupStep.REVIEW -> {
                {
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        OutlinedButton(onClick = { onEvent(CertificatePickupEvent.Back) }, modifier = Modifier.weight(1f)) { Text(s.commonCancel) }
                        Button(
                            onClick = { onEvent(CertificatePickupEvent.Accept) },
                            enabled = state.scanned?.state == OrderState.APPROVED,
                            modifier = Modifier.weight(1f),
                        ) { Text(s.pickupAccept) }
                    }
                }
            }
            state.step == PickupStep.DONE -> {
                { Button(onClick = { onEvent(CertificatePickupEvent.Done) }, modifier = Modifier.fillMaxWidth()) { Text(s.commonDone) } }
            }
            else -> null
        },
    ) {
        val scanned = state.scanned
        if (state.step == PickupStep.WORKING) {
            LoadingBlock(s.pickupWorking)
            return@ScreenFrame
        }
        if (state.step == PickupStep.DONE && state.result != null) {
            val result = state.result
            Text(s.pickupDone, style = MaterialTheme.typography.titleMedium, color = PalmbidColors.success, fontWeight = FontWeight.SemiBold)
            val company = scanned?.company ?: result.signing.subject
            CertificateCard(
                Credential(
                    credentialId = result.pickupId,
                    company = company,
                    signing = StoredCertificate("", "", KeyRole.SIGNING, result.signing, result.chain),
                    encryption = StoredCertificate("", "", KeyRole.ENCRYPTION, result.encryption, result.chain),
                    seals = result.seals,
                    pin = PinState(failedAttempts = 0, triesLeft = 6, locked = false),
                ),
            )
            return@ScreenFrame
        }
        if (scanned == null) {
            LoadingBlock(s.commonLoading)
            return@ScreenFrame
        }
        if (state.pinMismatch) {
            Text(s.pinMismatch, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium)
        }
        SectionTitle(s.pickupOrder)
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Tag(s.orderState(scanned.state), if (scanned.state == OrderState.APPROVED) PalmbidColors.success else PalmbidColors.caution)
        }
        InfoRow(s.pickupPlatform, scanned.platform)
        InfoRow(s.pickupCompany, scanned.company)
        InfoRow(s.pickupCreditCode, scanned.creditCode)
        InfoRow(s.pickupHolder, scanned.name)
        InfoRow(s.pickupPhone, scanned.phone)
        InfoRow(s.pickupSeals, scanned.seals.joinToString("、") { s.seal(it) }.ifEmpty { s.commonNone })
        if (state.step == PickupStep.REVIEW) {
            Text(
                if (scanned.state == OrderState.APPROVED) s.pickupCheckHint else s.pickupNotApproved,
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
            )
        } else {
            Text(s.pinChooseHint, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
    }
}
