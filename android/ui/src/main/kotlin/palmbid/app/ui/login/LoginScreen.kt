package palmbid.app.ui.login

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.Checkbox
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import palmbid.app.presentation.login.LoginEvent
import palmbid.app.presentation.login.LoginState
import palmbid.app.ui.components.Choice
import palmbid.app.ui.components.EmptyBlock
import palmbid.app.ui.components.LoadingBlock
import palmbid.app.ui.components.ScreenFrame
import palmbid.app.ui.components.SectionTitle
import palmbid.app.ui.i18n.LocalStrings

/** SMS login with consent to the user agreement and privacy policy. */
@Composable
fun LoginScreen(state: LoginState, onEvent: (LoginEvent) -> Unit, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    ScreenFrame(
        title = s.loginTitle,
        modifier = modifier,
        onBack = { onEvent(LoginEvent.Back) },
        error = state.error,
        onRetry = { onEvent(LoginEvent.Retry) },
        bottom = {
            Button(onClick = { onEvent(LoginEvent.Submit) }, enabled = state.canLogin, modifier = Modifier.fillMaxWidth()) {
                Text(if (state.busy) s.loginLoggingIn else s.loginSubmit)
            }
        },
    ) {
        if (state.loading) {
            LoadingBlock(s.commonLoading)
            return@ScreenFrame
        }
        if (state.platforms.isEmpty()) {
            EmptyBlock(s.loginNoPlatform, s.loginNoPlatformHint)
            return@ScreenFrame
        }
        SectionTitle(s.loginPlatform)
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            for (platform in state.platforms) {
                Choice(platform, platform == state.platform, { onEvent(LoginEvent.PlatformChosen(platform)) })
            }
        }
        OutlinedTextField(
            value = state.phone,
            onValueChange = { onEvent(LoginEvent.PhoneChanged(it)) },
            label = { Text(s.loginPhone) },
            placeholder = { Text(s.loginPhoneHint) },
            singleLine = true,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Phone),
            isError = state.phone.isNotEmpty() && !state.phoneValid,
            modifier = Modifier.fillMaxWidth(),
        )
        Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            OutlinedTextField(
                value = state.code,
                onValueChange = { onEvent(LoginEvent.CodeChanged(it)) },
                label = { Text(s.loginCode) },
                singleLine = true,
                enabled = state.codeSent,
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.NumberPassword),
                modifier = Modifier.weight(1f),
            )
            OutlinedButton(onClick = { onEvent(LoginEvent.SendCode) }, enabled = state.canSendCode) {
                Text(
                    when {
                        state.resendInSeconds > 0 -> s.loginResendIn(state.resendInSeconds.toInt())
                        state.codeSent -> s.loginResend
                        else -> s.loginSendCode
                    },
                )
            }
        }
        Row(verticalAlignment = Alignment.CenterVertically) {
            Checkbox(checked = state.agreed, onCheckedChange = { onEvent(LoginEvent.AgreementToggled(it)) })
            Text(s.loginConsent, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.weight(1f))
        }
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            TextButton(onClick = { onEvent(LoginEvent.OpenAgreement) }) { Text(s.loginAgreement) }
            TextButton(onClick = { onEvent(LoginEvent.OpenPrivacy) }) { Text(s.loginPrivacy) }
        }
        state.terms?.let {
            Text(
                s.loginTermsVersions(it.agreementVersion, it.privacyVersion),
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
            )
        }
        state.session?.let {
            Text(s.loginDone(it.phone), color = MaterialTheme.colorScheme.primary, style = MaterialTheme.typography.bodyMedium)
        }
    }
}
