// :presentation — one presenter, state and event type a screen. Plain
// Kotlin/JVM (no android.* import), so its tests run on any JVM.
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    alias(libs.plugins.kotlin.jvm)
}

java {
    sourceCompatibility = JavaVersion.VERSION_17
    targetCompatibility = JavaVersion.VERSION_17
}

kotlin {
    compilerOptions { jvmTarget.set(JvmTarget.JVM_17) }
}

dependencies {
    api(project(":domain"))
    api(libs.kotlinx.coroutines.core)

    testImplementation(project(":fakes"))
    testImplementation(libs.junit)
    testImplementation(libs.kotlinx.coroutines.test)
}
