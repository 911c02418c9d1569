package palmbid.app.ui.settings

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import palmbid.app.domain.Language
import palmbid.app.presentation.settings.SettingsEvent
import palmbid.app.presentation.settings.SettingsState
import palmbid.app.ui.components.Choice
import palmbid.app.ui.components.LoadingBlock
import palmbid.app.ui.components.ScreenFrame
import palmbid.app.ui.components.SectionTitle
import palmbid.app.ui.components.Tag
import palmbid.app.ui.components.shortHex
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.theme.PalmbidColors

/** 设置: trusted platforms, language, notifications. */
@Composable
fun SettingsScreen(state: SettingsState, onEvent: (SettingsEvent) -> Unit, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    ScreenFrame(
        title = s.settingsTitle,
        modifier = modifier,
        onBack = { onEvent(SettingsEvent.Back) },
        error = state.error,
        onRetry = { onEvent(SettingsEvent.Retry) },
    ) {
        if (state.loading) {
            LoadingBlock(s.commonLoading)
            return@ScreenFrame
        }
        SectionTitle(s.settingsPlatforms)
        for (platform in state.platforms) {
            val current = platform.name == state.settings.currentPlatform
            Column(verticalArrangement = Arrangement.spacedBy(2.dp)) {
                Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    Text(platform.name, style = MaterialTheme.typography.titleSmall, modifier = Modifier.weight(1f))
                    if (current) Tag(s.settingsCurrent, PalmbidColors.success)
                }
                Text(platform.baseUrl, style = MaterialTheme.typography.bodySmall)
                Text(s.settingsAnchor(shortHex(platform.anchor.fingerprint)), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                if (state.confirmRemove == platform.name) {
                    Text(s.settingsRemoveConfirm(platform.name), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium)
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        OutlinedButton(onClick = { onEvent(SettingsEvent.CancelRemove) }, modifier = Modifier.weight(1f)) { Text(s.commonCancel) }
                        Button(
                            onClick = { onEvent(SettingsEvent.ConfirmRemove) },
                            colors = ButtonDefaults.buttonColors(containerColor = MaterialTheme.colorScheme.error),
                            modifier = Modifier.weight(1f),
                        ) { Text(s.commonRemove) }
                    }
                } else {
                    Row {
                        if (!current) TextButton(onClick = { onEvent(SettingsEvent.CurrentPlatformChosen(platform.name)) }) { Text(s.settingsMakeCurrent) }
                        TextButton(onClick = { onEvent(SettingsEvent.RemovePlatform(platform.name)) }) { Text(s.commonRemove, color = MaterialTheme.colorScheme.error) }
                    }
                }
            }
            HorizontalDivider()
        }
        OutlinedTextField(
            value = state.newPlatformName,
            onValueChange = { onEvent(SettingsEvent.NewPlatformNameChanged(it)) },
            label = { Text(s.settingsPlatformName) },
            singleLine = true,
            modifier = Modifier.fillMaxWidth(),
        )
        OutlinedTextField(
            value = state.newPlatformUrl,
            onValueChange = { onEvent(SettingsEvent.NewPlatformUrlChanged(it)) },
            label = { Text(s.settingsPlatformUrl) },
            placeholder = { Text("https://") },
            singleLine = true,
            modifier = Modifier.fillMaxWidth(),
        )
        Button(onClick = { onEvent(SettingsEvent.AddPlatform) }, enabled = state.canAddPlatform, modifier = Modifier.fillMaxWidth()) { Text(s.settingsAddPlatform) }

        SectionTitle(s.settingsLanguage)
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            val chosen = state.settings.language
            Choice(s.settingsLanguageSystem, chosen == null, { onEvent(SettingsEvent.LanguageChosen(null)) })
            Choice(s.settingsLanguageZh, chosen == Language.ZH_CN, { onEvent(SettingsEvent.LanguageChosen(Language.ZH_CN)) })
            Choice(s.settingsLanguageEn, chosen == Language.EN, { onEvent(SettingsEvent.LanguageChosen(Language.EN)) })
        }

        SectionTitle(s.settingsNotifications)
        val n = state.settings.notifications
        Toggle(s.settingsOpeningReminders, n.openingReminders) { onEvent(SettingsEvent.NotificationsChanged(n.copy(openingReminders = it))) }
        Toggle(s.settingsPhaseChanges, n.phaseChanges) { onEvent(SettingsEvent.NotificationsChanged(n.copy(phaseChanges = it))) }
        Toggle(s.settingsChallengeAnswers, n.challengeAnswers) { onEvent(SettingsEvent.NotificationsChanged(n.copy(challengeAnswers = it))) }
        Toggle(s.settingsRoundsAndDraws, n.roundsAndDraws) { onEvent(SettingsEvent.NotificationsChanged(n.copy(roundsAndDraws = it))) }
    }
}

@Composable
private fun Toggle(label: String, checked: Boolean, onChange: (Boolean) -> Unit) {
    Row(Modifier.fillMaxWidth(), verticalAlignment = Alignment.CenterVertically) {
        Text(label, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.weight(1f))
        Switch(checked = checked, onCheckedChange = onChange)
    }
}
