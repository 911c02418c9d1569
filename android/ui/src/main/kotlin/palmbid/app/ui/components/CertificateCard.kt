package palmbid.app.ui.components

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import palmbid.app.domain.Credential
import palmbid.app.domain.StoredCertificate
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.theme.PalmbidColors

/**
 * Shows a credential as 我的证书 lists it: the company, both certificates of the
 * dual-certificate pair with issuer, serial and validity, the seals, and
 * the PIN state. [detailed] adds the fingerprints and the chain.
 */
@Composable
fun CertificateCard(
    credential: Credential,
    modifier: Modifier = Modifier,
    detailed: Boolean = false,
    actions: @Composable () -> Unit = {},
) {
    val s = LocalStrings.current
    Card(
        modifier = modifier.fillMaxWidth(),
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.surface),
        elevation = CardDefaults.cardElevation(defaultElevation = 1.dp),
    ) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(credential.company, style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.SemiBold, modifier = Modifier.weight(1f))
                when {
                    credential.pin.locked -> Tag(s.certPinLocked, MaterialTheme.colorScheme.error)
                    credential.pin.failedAttempts > 0 -> Tag(s.pinTriesLeft(credential.pin.triesLeft), PalmbidColors.caution)
                    else -> Tag(s.certPhoneCertificate, PalmbidColors.success)
                }
            }
            credential.signing?.let { CertificateRows(it, detailed) }
            credential.encryption?.let {
                HorizontalDivider()
                CertificateRows(it, detailed)
            }
            if (credential.seals.isNotEmpty()) {
                HorizontalDivider()
                Row(horizontalArrangement = Arrangement.spacedBy(6.dp), verticalAlignment = Alignment.CenterVertically) {
                    Text(s.certSeals, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
                    for (seal in credential.seals) {
                        Tag(s.seal(seal.kind), MaterialTheme.colorScheme.tertiary)
                    }
                }
            }
            actions()
        }
    }
}

@Composable
private fun CertificateRows(stored: StoredCertificate, detailed: Boolean) {
    val s = LocalStrings.current
    val info = stored.certificate
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Text(s.role(stored.role), style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.primary)
        InfoRow(s.certSubject, commonName(info.subject))
        InfoRow(s.certIssuer, commonName(info.issuer))
        InfoRow(s.certValidity, s.certValidityRange(formatDate(info.notBefore), formatDate(info.notAfter)))
        InfoRow(s.certSerial, info.serialHex)
        if (detailed) {
            InfoRow(s.certDistinguishedName, info.subject)
            InfoRow(s.certFingerprint, shortHex(info.fingerprint))
            for (issuer in stored.chain) {
                InfoRow(s.certChain, commonName(issuer.subject))
            }
        }
    }
}
