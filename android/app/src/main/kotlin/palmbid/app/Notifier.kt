package palmbid.app

import android.Manifest
import android.app.Notification
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.content.res.Resources
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import palmbid.app.domain.HallNotice
import palmbid.app.domain.Message
import palmbid.app.domain.MessageKind
import palmbid.app.domain.NotificationSettings
import palmbid.app.domain.PalmbidServices
import palmbid.app.ui.i18n.Strings
import palmbid.app.ui.i18n.resolveLanguage
import palmbid.app.ui.i18n.stringsOf
import palmbid.app.ui.messages.messageBody
import palmbid.app.ui.messages.messageTitle

/**
 * Posts a system notification for each new, unread inbox message that the
 * user's notification settings allow. Messages already in the inbox when it
 * starts count as seen, so a restart does not notify them again. The text
 * names the project and the event only: no amount, company or document.
 */
internal class Notifier(private val context: Context, private val services: PalmbidServices) {

    private val manager = context.getSystemService(NotificationManager::class.java)

    /** Follows the inbox in [scope] until the returned job is cancelled. */
    fun start(scope: CoroutineScope): Job =
        scope.launch {
            var seen = services.inbox.messages.value.mapTo(HashSet()) { it.id }
            services.inbox.messages.collect { messages ->
                val settings = services.settings.settings.first()
                val system = Resources.getSystem().configuration.locales[0].language
                val strings = stringsOf(resolveLanguage(settings.language, system))
                for (message in messages) {
                    if (message.id in seen) continue
                    seen += message.id
                    if (!message.read && allowed(message.kind, settings.notifications)) post(message, strings)
                }
            }
        }

    private fun post(message: Message, strings: Strings) {
        // Android 13+ drops notifications without the permission; the
        // settings screen requests it when a notice is turned on.
        if (context.checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) != PackageManager.PERMISSION_GRANTED) return
        val channel = when (message.kind) {
            is MessageKind.Renewal -> PalmbidApplication.CHANNEL_CERTIFICATES
            else -> PalmbidApplication.CHANNEL_HALL
        }
        val open = PendingIntent.getActivity(
            context,
            0,
            Intent(context, MainActivity::class.java).addFlags(Intent.FLAG_ACTIVITY_SINGLE_TOP),
            PendingIntent.FLAG_IMMUTABLE,
        )
        val notification = Notification.Builder(context, channel)
            .setSmallIcon(android.R.drawable.stat_notify_more)
            .setContentTitle(strings.messageTitle(message.kind))
            .setContentText(strings.messageBody(message.kind))
            .setWhen(message.at.toEpochMilli())
            .setShowWhen(true)
            .setContentIntent(open)
            .setAutoCancel(true)
            .build()
        manager.notify(message.id.hashCode(), notification)
    }

    private companion object {
        /** Returns whether the user's settings let [kind] raise a notification. */
        fun allowed(kind: MessageKind, settings: NotificationSettings): Boolean = when (kind) {
            is MessageKind.Hall -> when (kind.notice) {
                is HallNotice.OpeningSoon -> settings.openingReminders
                is HallNotice.PhaseStarted -> settings.phaseChanges
                is HallNotice.ChallengeAnswered -> settings.challengeAnswers
                is HallNotice.RoundOpened, is HallNotice.RoundClosed,
                is HallNotice.DrawOpened, is HallNotice.DrawRevealed -> settings.roundsAndDraws
            }
            is MessageKind.Renewal -> true
            is MessageKind.Identity, is MessageKind.Guarantee -> settings.phaseChanges
        }
    }
}
