package com.koomy.email;

/** What a suppression stops: every email ({@code all}) or only bulk mail, i.e. newsletters and reminders ({@code bulk}). */
public enum SuppressionScope {
    all,
    bulk
}
