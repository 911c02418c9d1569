package palmbid.app.ui.guarantees

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import palmbid.app.domain.GuaranteeState
import palmbid.app.presentation.guarantees.GuaranteesEvent
import palmbid.app.presentation.guarantees.GuaranteesState
import palmbid.app.ui.components.EmptyBlock
import palmbid.app.ui.components.InfoRow
import palmbid.app.ui.components.LoadingBlock
import palmbid.app.ui.components.PinKeypad
import palmbid.app.ui.components.ScreenFrame
import palmbid.app.ui.components.SectionTitle
import palmbid.app.ui.components.Tag
import palmbid.app.ui.components.commonName
import palmbid.app.ui.components.formatBasisPoints
import palmbid.app.ui.components.formatDateTime
import palmbid.app.ui.components.guaranteeState
import palmbid.app.ui.components.institutionKind
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.theme.PalmbidColors

/** 电子保函: project, section, guarantee code and state, institutions to apply to. */
@Composable
fun GuaranteesScreen(state: GuaranteesState, onEvent: (GuaranteesEvent) -> Unit, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    val sections = state.sections
    ScreenFrame(
        title = s.guaranteesTitle,
        modifier = modifier,
        onBack = { onEvent(if (sections != null) GuaranteesEvent.Up else GuaranteesEvent.Back) },
        error = state.error,
        onRetry = { onEvent(GuaranteesEvent.Retry) },
        bottom = if (state.applyTo != null) {
            {
                PinKeypad(state.pinPad, s.guaranteesPinTitle, { onEvent(GuaranteesEvent.Pin(it)) })
                TextButton(onClick = { onEvent(GuaranteesEvent.CancelPin) }, modifier = Modifier.align(Alignment.CenterHorizontally)) { Text(s.commonCancel) }
            }
        } else {
            null
        },
    ) {
        when {
            state.loading -> LoadingBlock(s.commonLoading)
            sections == null && state.projects.isEmpty() && state.error != null -> Unit
            sections == null && state.projects.isEmpty() -> EmptyBlock(s.guaranteesEmpty, s.guaranteesEmptyHint)
            sections == null -> {
                Text(s.guaranteesChooseProject, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
                for (project in state.projects) {
                    Selectable({ onEvent(GuaranteesEvent.ProjectChosen(project.id)) }) {
                        Text(project.name, style = MaterialTheme.typography.titleSmall)
                        InfoRow(s.hallOpeningAt, formatDateTime(project.openingAt))
                    }
                }
            }
            else -> {
                Text(sections.project.name, style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.SemiBold)
                SectionTitle(s.hallSections)
                for (section in sections.sections) {
                    val chosen = state.code?.section == section.position
                    Selectable({ onEvent(GuaranteesEvent.SectionChosen(section.position)) }, selected = chosen) {
                        Text(s.projectSectionName(section.position, section.name), style = MaterialTheme.typography.bodyMedium)
                        if (section.creditCode == null) {
                            Text(s.guaranteesNotBidding, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                        }
                    }
                }
                state.code?.let { code ->
                    SectionTitle(s.guaranteesCode)
                    Text(code.code, style = MaterialTheme.typography.titleLarge, fontWeight = FontWeight.Bold)
                    InfoRow(s.pickupCompany, code.company)
                    InfoRow(s.pickupCreditCode, code.creditCode)
                }
                state.view?.let { view ->
                    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        Text(s.guaranteesState, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
                        val colour = when (view.state) {
                            GuaranteeState.ISSUED -> PalmbidColors.success
                            GuaranteeState.REJECTED, GuaranteeState.CANCELLED -> MaterialTheme.colorScheme.error
                            GuaranteeState.APPLIED -> PalmbidColors.caution
                            GuaranteeState.NONE -> MaterialTheme.colorScheme.secondary
                        }
                        Tag(s.guaranteeState(view.state), colour)
                    }
                    view.institution?.let { InfoRow(s.guaranteesInstitution, it) }
                    view.reason?.let { InfoRow(s.identityReason, it) }
                    view.updatedAt?.let { InfoRow(s.guaranteesUpdatedAt, formatDateTime(it)) }
                    view.document?.let { document ->
                        InfoRow(s.guaranteesNumber, document.guaranteeNo)
                        InfoRow(s.guaranteesSigner, commonName(document.signerSubject))
                        Text(s.guaranteesVerified, color = PalmbidColors.success, style = MaterialTheme.typography.bodySmall)
                        OutlinedButton(onClick = { onEvent(GuaranteesEvent.OpenDocument) }) { Text(s.guaranteesOpenDocument) }
                    }
                }
                state.application?.let { application ->
                    Text(s.guaranteesApplicationReady(application.institution.name, formatDateTime(application.expiresAt)), style = MaterialTheme.typography.bodyMedium)
                    Button(onClick = { onEvent(GuaranteesEvent.OpenApplication(application.url)) }, modifier = Modifier.fillMaxWidth()) { Text(s.guaranteesOpenApplication) }
                }
                val canApply = state.code != null && state.application == null &&
                    (state.view == null || state.view.state == GuaranteeState.NONE || state.view.state == GuaranteeState.REJECTED ||
                        state.view.state == GuaranteeState.CANCELLED)
                if (canApply && state.institutions.isNotEmpty()) {
                    SectionTitle(s.guaranteesInstitutions)
                    for (institution in state.institutions) {
                        Selectable({}) {
                            Row(verticalAlignment = Alignment.CenterVertically) {
                                Column(Modifier.weight(1f)) {
                                    Text(institution.name, style = MaterialTheme.typography.titleSmall)
                                    Text(
                                        s.guaranteesInstitutionLine(s.institutionKind(institution.kind), formatBasisPoints(institution.feeRateBp)),
                                        style = MaterialTheme.typography.bodySmall,
                                    )
                                    if (institution.development) {
                                        Text(s.guaranteesDevelopment, style = MaterialTheme.typography.bodySmall, color = PalmbidColors.caution)
                                    }
                                }
                                Button(onClick = { onEvent(GuaranteesEvent.Apply(institution.id)) }) { Text(s.guaranteesApply) }
                            }
                        }
                    }
                }
            }
        }
    }
}

@Composable
private fun Selectable(onClick: () -> Unit, selected: Boolean = false, content: @Composable () -> Unit) {
    Card(
        modifier = Modifier.fillMaxWidth().clickable(onClick = onClick),
        colors = CardDefaults.cardColors(
            containerColor = if (selected) MaterialTheme.colorScheme.primaryContainer else MaterialTheme.colorScheme.surface,
        ),
        elevation = CardDefaults.cardElevation(defaultElevation = 1.dp),
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) { content() }
    }
}
