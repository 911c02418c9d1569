package palmbid.app.presentation.messages

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import palmbid.app.domain.CertificateStore
import palmbid.app.domain.HallNotice
import palmbid.app.domain.HallPhase
import palmbid.app.domain.HallProjectState
import palmbid.app.domain.HallService
import palmbid.app.domain.HallUpdate
import palmbid.app.domain.Inbox
import palmbid.app.domain.Message
import palmbid.app.domain.MessageKind
import palmbid.app.domain.PalmbidFailure
import palmbid.app.domain.SettingsStore
import java.time.Clock

/**
 * Fills the 消息 inbox while the app is in the foreground: watches every
 * open project of the current platform and posts each hall notice, and
 * posts the keystore's renewal warnings.
 *
 * Push is only a hint. The app calls [resume] when it comes to the
 * foreground and on each push hint. The watches then start again after the
 * last event, so no notice is lost while the app was away.
 *
 * The core raises a notice only for a fresh event, so the feeder also reads
 * the notices a state implies: its phase, open rounds, the draw and the
 * challenges with a reply. What happened while the app was away still
 * reaches the inbox.
 * A message id names what it is about (platform, project, notice), never
 * an event count, so a notice seen again after a reconnect or a restart is
 * recognised and not posted twice, and a message already read stays read.
 */
class InboxFeeder(
    private val scope: CoroutineScope,
    private val hall: HallService,
    private val certificates: CertificateStore,
    private val settings: SettingsStore,
    private val inbox: Inbox,
    private val clock: Clock = Clock.systemUTC(),
) {
    private var job: Job? = null

    /** Starts the watches, or restarts them with a fresh pull of the project list. */
    fun resume() {
        job?.cancel()
        job = scope.launch { feed() }
    }

    /** Stops every watch, for example when the app goes to the background. */
    fun pause() {
        job?.cancel()
        job = null
    }

    private suspend fun feed() = coroutineScope {
        launch { postRenewalWarnings() }
        val platform = settings.settings.first().currentPlatform ?: return@coroutineScope
        // A failed list is shown by the hall screen when the user opens it;
        // the inbox only misses notices until the next resume.
        val projects = attempt { hall.projects(platform) } ?: return@coroutineScope
        for (project in projects.filter { it.phase != HallPhase.CLOSED }) {
            launch {
                attempt {
                    hall.watch(platform, project.id).collect { update ->
                        // The core raises notices for fresh events only, so what
                        // happened while the app was away is read off the state.
                        val (state, notices) = when (update) {
                            is HallUpdate.Notice -> update.state to listOf(update.notice)
                            is HallUpdate.State -> update.state to noticesIn(update.state)
                            else -> return@collect
                        }
                        for (notice in notices) {
                            post(
                                id = "hall/$platform/${project.id}/${key(notice)}",
                                at = state.updatedAt,
                                kind = MessageKind.Hall(platform, project.id, project.name, notice),
                            )
                        }
                    }
                }
            }
        }
    }

    private suspend fun postRenewalWarnings() {
        val warnings = attempt { certificates.renewalWarnings() } ?: return
        for (warning in warnings) {
            post("renewal/${warning.credentialId}/${warning.keyId}", clock.instant(), MessageKind.Renewal(warning))
        }
    }

    private suspend fun post(id: String, at: java.time.Instant, kind: MessageKind) {
        if (inbox.messages.value.any { it.id == id }) return
        attempt { inbox.post(Message(id = id, at = at, kind = kind, read = false)) }
    }

    /** Runs [body], turning a core failure into null; cancellation passes through. */
    private suspend fun <T> attempt(body: suspend () -> T): T? = try {
        body()
    } catch (e: CancellationException) {
        throw e
    } catch (e: PalmbidFailure) {
        null
    }

    private companion object {
        /** Returns the notices a state implies: its phase, open rounds, the draw and the challenges with a reply. */
        fun noticesIn(state: HallProjectState): List<HallNotice> = buildList {
            if (state.project.phase != HallPhase.NOT_OPEN) add(HallNotice.PhaseStarted(state.project.phase))
            state.openRounds.forEach { add(HallNotice.RoundOpened(it.section, it.round, it.deadline)) }
            state.draw?.let { draw ->
                val coefficient = draw.coefficient
                add(if (coefficient != null) HallNotice.DrawRevealed(draw.draw, coefficient) else HallNotice.DrawOpened(draw.draw))
            }
            state.answeredChallenges.forEach { add(HallNotice.ChallengeAnswered(it)) }
        }

        /** Names a notice by what it is about, the same on every replay. */
        fun key(notice: HallNotice): String = when (notice) {
            is HallNotice.OpeningSoon -> "opening-soon/${notice.minutes}"
            is HallNotice.PhaseStarted -> "phase/${notice.phase.name.lowercase()}"
            is HallNotice.ChallengeAnswered -> "challenge/${notice.challengeId}"
            is HallNotice.RoundOpened -> "round-opened/${notice.section}/${notice.round}"
            is HallNotice.RoundClosed -> "round-closed/${notice.section}/${notice.round}"
            is HallNotice.DrawOpened -> "draw-opened/${notice.draw}"
            is HallNotice.DrawRevealed -> "draw-revealed/${notice.draw}"
        }
    }
}
