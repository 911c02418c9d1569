package palmbid.app

import android.content.ActivityNotFoundException
import android.content.Context
import android.content.Intent
import android.net.Uri
import android.provider.OpenableColumns
import android.util.Log
import androidx.core.content.FileProvider
import java.io.ByteArrayOutputStream
import java.io.File
import java.io.IOException
import java.io.InputStream
import palmbid.app.domain.Attachment

/**
 * Files exchanged with other apps: PDFs shown in the phone's viewer, the
 * identity video recorded by the camera app, and challenge attachments
 * picked by the user.
 *
 * Shared files live in `cache/shared` only (res/xml/shared_files.xml), are
 * granted one at a time for reading or writing, and are deleted at a later
 * start. Nothing from the keystore is ever written there.
 */
internal object SharedFiles {

    private const val FOLDER = "shared"
    private const val TAG = "palmbid.app"
    private const val MAX_AGE_MILLIS = 60L * 60 * 1000

    /**
     * Deletes shared files older than an hour: viewers have finished with
     * them. Newer ones stay, because the process may have restarted while
     * the camera app was still recording into one.
     */
    fun clearOld(context: Context) {
        val cutoff = System.currentTimeMillis() - MAX_AGE_MILLIS
        File(context.cacheDir, FOLDER).listFiles()?.filter { it.lastModified() < cutoff }?.forEach { it.delete() }
    }

    /**
     * Writes [pdf] as [fileName] and opens it in the phone's PDF viewer.
     * Returns false when the file cannot be written or no app shows PDFs.
     */
    fun openPdf(context: Context, fileName: String, pdf: ByteArray): Boolean {
        val file = sharedFile(context, fileName)
        try {
            file.writeBytes(pdf)
        } catch (e: IOException) {
            Log.w(TAG, "cannot write $fileName for the viewer: ${e.javaClass.simpleName}")
            return false
        }

        val intent = Intent(Intent.ACTION_VIEW)
            .setDataAndType(uriFor(context, file), "application/pdf")
            .addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION or Intent.FLAG_ACTIVITY_NEW_TASK)
        return start(context, intent)
    }

    /**
     * Opens [url] in the browser. Only https:// addresses open, so a
     * platform's response cannot make the app open a file or another app.
     */
    fun openWebPage(context: Context, url: String): Boolean {
        val uri = Uri.parse(url)
        if (uri.scheme != "https" || uri.host.isNullOrEmpty()) {
            Log.w(TAG, "not opening a non-https address from the platform")
            return false
        }
        return start(context, Intent(Intent.ACTION_VIEW, uri).addFlags(Intent.FLAG_ACTIVITY_NEW_TASK))
    }

    /** Returns a new file for the camera app to record into, and the content URI to hand it. */
    fun videoTarget(context: Context): Pair<File, Uri> {
        val file = sharedFile(context, "identity.mp4")
        file.delete()
        return file to uriFor(context, file)
    }

    /**
     * Reads the document the user picked as a challenge attachment, at most
     * [maxBytes] plus one byte: a longer file arrives cut, and the core
     * rejects it as too large without the app holding all of it in memory.
     * Returns null when the document cannot be read.
     */
    fun readAttachment(context: Context, uri: Uri, maxBytes: Int): Attachment? = try {
        val resolver = context.contentResolver
        val name = resolver.query(uri, arrayOf(OpenableColumns.DISPLAY_NAME), null, null, null)?.use { cursor ->
            if (cursor.moveToFirst()) cursor.getString(0) else null
        } ?: "attachment"
        val content = resolver.openInputStream(uri)?.use { input -> readAtMost(input, maxBytes + 1) }
        content?.let { Attachment(name, it) }
    } catch (e: IOException) {
        Log.w(TAG, "cannot read the picked attachment: ${e.javaClass.simpleName}")
        null
    } catch (e: SecurityException) {
        Log.w(TAG, "no permission to read the picked attachment")
        null
    }

    /** Reads up to [limit] bytes (InputStream.readNBytes needs API 33). */
    private fun readAtMost(input: InputStream, limit: Int): ByteArray {
        val out = ByteArrayOutputStream()
        val buffer = ByteArray(64 * 1024)
        while (out.size() < limit) {
            val read = input.read(buffer, 0, minOf(buffer.size, limit - out.size()))
            if (read < 0) break
            out.write(buffer, 0, read)
        }
        return out.toByteArray()
    }

    private fun sharedFile(context: Context, fileName: String): File {
        val folder = File(context.cacheDir, FOLDER)
        folder.mkdirs()
        return File(folder, fileName)
    }

    private fun uriFor(context: Context, file: File): Uri =
        FileProvider.getUriForFile(context, "${context.packageName}.files", file)

    private fun start(context: Context, intent: Intent): Boolean = try {
        context.startActivity(intent)
        true
    } catch (e: ActivityNotFoundException) {
        Log.w(TAG, "no app handles ${intent.action} for ${intent.type ?: intent.data?.scheme}")
        false
    }
}
