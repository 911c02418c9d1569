package palmbid.app.core

import java.io.IOException
import java.nio.file.AtomicMoveNotSupportedException
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.nio.file.StandardOpenOption
import palmbid.app.domain.PalmbidFailure

/** Code of a settings or inbox file that could not be read or written. */
const val CODE_STORAGE = "app.storage"

/**
 * Replaces [file] with [bytes] so that a reader (or the next start after a
 * crash) sees either the old content or the new, never a mix: the bytes go
 * to a temporary file in the same folder, reach the disk, and are renamed
 * over [file].
 *
 * @throws PalmbidFailure [CODE_STORAGE] when the folder cannot be written.
 */
internal fun writeAtomically(file: Path, bytes: ByteArray) {
    val folder = file.toAbsolutePath().parent
    try {
        Files.createDirectories(folder)
        val temp = Files.createTempFile(folder, file.fileName.toString(), ".tmp")
        try {
            Files.newOutputStream(temp, StandardOpenOption.WRITE, StandardOpenOption.SYNC).use { it.write(bytes) }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING)
            } catch (e: AtomicMoveNotSupportedException) {
                // Same folder, so this only happens on file systems without
                // rename; replacing is then the best there is.
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING)
            }
        } finally {
            Files.deleteIfExists(temp)
        }
    } catch (e: IOException) {
        throw storageFailure(file, e)
    }
}

/** Reads [file], or null when it does not exist. */
internal fun readIfExists(file: Path): ByteArray? = try {
    if (Files.exists(file)) Files.readAllBytes(file) else null
} catch (e: IOException) {
    throw storageFailure(file, e)
}

/**
 * Moves an unreadable [file] aside (`NAME.corrupt`), so that starting
 * afresh does not overwrite what a developer may want to look at.
 */
internal fun setAside(file: Path) {
    try {
        Files.move(file, file.resolveSibling("${file.fileName}.corrupt"), StandardCopyOption.REPLACE_EXISTING)
    } catch (e: IOException) {
        throw storageFailure(file, e)
    }
}

private fun storageFailure(file: Path, e: IOException) = PalmbidFailure(
    CODE_STORAGE,
    "无法读写应用文件 ${file.fileName}：${e.javaClass.simpleName}；请检查手机存储空间后重试",
    "the app file ${file.fileName} could not be read or written: ${e.javaClass.simpleName}; check the phone's free storage and retry",
    e,
)
