using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Serverless.Testing.EndToEnd;

/// <summary>
/// The README Quick start's next steps, run as a user runs them: the two commands of README.md's walkthrough block
/// (read from the file, so the docs cannot drift) — <c>bash scripts/run-local.sh --stay</c> in its own loopback-only
/// network namespace (it starts its own Azurite on the fixed ports), and once it is up,
/// <c>bash docs/walkthrough.sh</c> in the same namespace. Every step's output is checked, on both sides: the
/// walkthrough's STEP lines, and the run's timeline (the callbacks its receiver verified, the recording's tone).
/// </summary>
public sealed partial class ReadmeWalkthroughTests
{
    private const string Ready = "Running until Ctrl+C";
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan WalkthroughLimit = TimeSpan.FromMinutes(3);

    // DrainCallbacks runs every 10 s; a loaded machine may take a few rounds.
    private static readonly TimeSpan TimelineLimit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_README_walkthrough_runs_against_run_local_and_every_step_shows()
    {
        var root = RepoPaths.Root;
        var (product, walkthrough) = ReadmeWalkthroughCommands(await File.ReadAllTextAsync(Path.Combine(root, "README.md")));
        Assert.Equal("bash scripts/run-local.sh --stay", product);
        Assert.Equal("bash docs/walkthrough.sh", walkthrough);

        using var run = new ProcessLines(NamespacedStart(root, product));
        try
        {
            await run.WaitForLineAsync(l => l.Contains(Ready, StringComparison.Ordinal), StartLimit);

            var (code, output, errors) = await RunInNamespaceOfAsync(run.Process.Id, root, walkthrough, WalkthroughLimit);
            var context = $"walkthrough exit {code}\n{output}\n{errors}\n---- run ----\n{run.Text}";
            Assert.True(code == 0, context);
            var steps = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("STEP ", StringComparison.Ordinal)).ToList();

            // 1-2: dialled with a plan; it rang, and connected once the phone answered.
            var callId = Step(steps, @"^STEP dial: call (\S+) (preparing|ringing)$", context).Groups[1].Value;
            Step(steps, $@"^STEP ringing: call {callId}$", context);
            Step(steps, $@"^STEP connected: call {callId} \(the phone answered\)$", context);

            // 3: the plan ran to its hangup step; the digit the phone pressed is the collect step's result.
            Step(steps, $@"^STEP ended: call {callId} ended completed completed$", context);
            Step(steps, $@"^STEP inputs: call {callId} choice=1$", context);

            // 4: recording.url opened as is and gave an Ogg file.
            var recording = Step(steps, $@"^STEP recording: call {callId} (\d+) bytes OggS audio/ogg ([0-9.]+) s$", context);
            Assert.True(int.Parse(recording.Groups[1].Value, CultureInfo.InvariantCulture) > 1000, context);
            Assert.InRange(double.Parse(recording.Groups[2].Value, CultureInfo.InvariantCulture), 2, 3.5);

            // 5-6: the scheduled dial fired on the timer's schedule, the call connected and the business hung up.
            var dialId = Step(steps, @"^STEP scheduled: dial (\S+) scheduled for \S+$", context).Groups[1].Value;
            var scheduledCallId = Step(steps, $@"^STEP scheduled dial fired: dial {dialId} placed call (call_\S+)$", context).Groups[1].Value;
            Step(steps, $@"^STEP hung up: call {scheduledCallId} ended completed businessHangup$", context);

            // 7: the list holds both calls (in whatever order the API lists them).
            var listed = Step(steps, @"^STEP list: (.*)$", context).Groups[1].Value.Split(' ');
            Assert.Contains(callId, listed);
            Assert.Contains(scheduledCallId, listed);
            Assert.True(steps.Count == 10, context); // dial, ringing, connected, ended, inputs, recording, scheduled, fired, hung up, list

            // The run's side: the recording's tone (the user says 660 Hz) and each call's callbacks, signature verified.
            var tone = await run.WaitForLineAsync(l => l.Contains($"recording tone: ", StringComparison.Ordinal) && l.Contains($"call {callId} ", StringComparison.Ordinal), TimelineLimit);
            Assert.InRange(double.Parse(ToneLine().Match(tone).Groups[1].Value, CultureInfo.InvariantCulture), 655, 665);
            foreach (var call in new[] { callId, scheduledCallId })
            {
                foreach (var type in new[] { "call.ringing", "call.connected", "call.ended" })
                {
                    await run.WaitForLineAsync(l => CallbackLine().Match(l) is { Success: true } m && m.Groups[1].Value == type && m.Groups[2].Value == call, TimelineLimit);
                }
            }

            await run.WaitForLineAsync(l => CallbackLine().Match(l) is { Success: true } m && m.Groups[1].Value == "call.input" && m.Groups[2].Value == callId, TimelineLimit);
            Assert.DoesNotContain("SIGNATURE INVALID", run.Text, StringComparison.Ordinal);

            // Ends as Ctrl+C ends it: cleanly, Azurite stopped by the script, exit 0 (the demo call passed).
            Signal(LocalRunPid(run.Process.Id) ?? throw new InvalidOperationException("The local run's process was not found.\n" + run.Text), "TERM");
            using var exitLimit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await run.Process.WaitForExitAsync(exitLimit.Token);
            Assert.True(run.Process.ExitCode == 0, $"run exit {run.Process.ExitCode}\n{run.Text}");
        }
        finally
        {
            if (!run.Process.HasExited)
            {
                run.Process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public void The_walkthrough_block_is_read_from_the_README_exactly()
    {
        var (product, walkthrough) = ReadmeWalkthroughCommands("""
            # Title
            ## Quick start
            text `bash docs/walkthrough.sh`
            ```sh
            bash scripts/run-local.sh --stay   # terminal 1
            FOO=1 bash docs/walkthrough.sh  # terminal 2
            ```
            ## Next
            """);

        Assert.Equal("bash scripts/run-local.sh --stay", product);
        Assert.Equal("FOO=1 bash docs/walkthrough.sh", walkthrough);
        Assert.Throws<InvalidOperationException>(() => ReadmeWalkthroughCommands("## Quick start\n```sh\nbash docs/walkthrough.sh\n```\n"));
    }

    /// <summary>The README Quick start's fenced <c>sh</c> block that runs docs/walkthrough.sh: its two commands, comments dropped.</summary>
    internal static (string Product, string Walkthrough) ReadmeWalkthroughCommands(string readme)
    {
        var start = readme.IndexOf("## Quick start", StringComparison.Ordinal);
        var end = start < 0 ? -1 : readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = start < 0 ? string.Empty : readme[start..(end < 0 ? readme.Length : end)];
        foreach (Match block in FencedShell().Matches(section))
        {
            var lines = block.Groups[1].Value.Split('\n')
                .Select(l => l.Contains(" #", StringComparison.Ordinal) ? l[..l.IndexOf(" #", StringComparison.Ordinal)] : l)
                .Select(l => l.Trim())
                .Where(l => l.Length > 0 && !l.StartsWith('#'))
                .ToList();
            if (lines.Any(l => l.Contains("docs/walkthrough.sh", StringComparison.Ordinal)))
            {
                return lines.Count == 2 && lines[0].Contains("scripts/run-local.sh", StringComparison.Ordinal) && lines[0].Contains("--stay", StringComparison.Ordinal)
                    ? (lines[0], lines[1])
                    : throw new InvalidOperationException("The README's walkthrough block must be two commands: run-local.sh --stay, then docs/walkthrough.sh; it is:\n" + string.Join('\n', lines));
            }
        }

        throw new InvalidOperationException("README.md's Quick start has no ```sh block running docs/walkthrough.sh.");
    }

    // A new network namespace where only loopback is up (as scripts/lib.sh's in_loopback_namespace): the local run
    // starts its own Azurite on the fixed ports 10000-10002, which the suite's Azurite holds out here.
    internal static ProcessStartInfo NamespacedStart(string root, string command)
    {
        var start = new ProcessStartInfo("unshare") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Environment.IsPrivilegedProcess ? "-n" : "-rn");
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("ip link set lo up && exec bash -c \"$1\"");
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(command);
        // The script's incremental build must not leave MSBuild nodes behind holding this test's output pipes open.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["UseSharedCompilation"] = "false";
        return start;
    }

    private static async Task<(int Code, string Output, string Errors)> RunInNamespaceOfAsync(int pid, string root, string command, TimeSpan limit)
    {
        var start = new ProcessStartInfo("nsenter") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add($"--net=/proc/{pid}/ns/net");
        start.ArgumentList.Add("bash");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{command}` did not end within {limit}.\n{await output}\n{await errors}");
        }

        return (process.ExitCode, await output, await errors);
    }

    /// <summary>The LocalRun process (dotnet …LocalRun.dll) under <paramref name="pid"/>, which ends the run on SIGTERM as on Ctrl+C.</summary>
    private static int? LocalRunPid(int pid)
    {
        foreach (var child in Children(pid))
        {
            var commandLine = File.Exists($"/proc/{child}/cmdline") ? File.ReadAllText($"/proc/{child}/cmdline") : string.Empty;
            if (commandLine.Contains("Serverless.Testing.LocalRun.dll", StringComparison.Ordinal))
            {
                return child;
            }

            if (LocalRunPid(child) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static List<int> Children(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks))
        {
            return [];
        }

        return Directory.GetDirectories(tasks)
            .Select(t => Path.Combine(t, "children"))
            .Where(File.Exists)
            .SelectMany(f => File.ReadAllText(f).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => int.Parse(p, CultureInfo.InvariantCulture))
            .Distinct()
            .ToList();
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private static Match Step(IReadOnlyList<string> steps, string pattern, string context)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return steps.Select(s => regex.Match(s)).FirstOrDefault(m => m.Success)
            ?? throw new Xunit.Sdk.XunitException($"No step matches {pattern}.\n{context}");
    }

    [GeneratedRegex(@"^```sh\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex FencedShell();

    [GeneratedRegex(@"recording tone: ([0-9.]+) Hz", RegexOptions.CultureInvariant)]
    private static partial Regex ToneLine();

    [GeneratedRegex(@"callback (\S+)\s+call (\S+) state \S+ \(signature verified,", RegexOptions.CultureInvariant)]
    private static partial Regex CallbackLine();

    /// <summary>A process whose stdout and stderr lines are collected as they come, with waits on them.</summary>
    private sealed class ProcessLines : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly List<string> _lines = [];
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ProcessLines(ProcessStartInfo start)
        {
            Process = new Process { StartInfo = start };
            Process.OutputDataReceived += (_, e) => Add(e.Data);
            Process.ErrorDataReceived += (_, e) => Add(e.Data);
            Process.Start();
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return string.Join('\n', _lines);
                }
            }
        }

        public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
        {
            using var limit = new CancellationTokenSource(timeout);
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_lines.FirstOrDefault(match) is { } found)
                    {
                        return found;
                    }

                    changed = _changed.Task;
                }

                if (Process.HasExited)
                {
                    // Let the last lines land, then judge once more.
                    Process.WaitForExit();
                    lock (_gate)
                    {
                        if (_lines.FirstOrDefault(match) is { } found)
                        {
                            return found;
                        }
                    }

                    throw new Xunit.Sdk.XunitException($"The run exited ({Process.ExitCode}) before the expected line.\n{Text}");
                }

                try
                {
                    await Task.WhenAny(changed, Process.WaitForExitAsync(limit.Token)).WaitAsync(limit.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new Xunit.Sdk.XunitException($"The expected line did not come within {timeout}.\n{Text}");
                }
            }
        }

        public void Dispose() => Process.Dispose();

        private void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            TaskCompletionSource changed;
            lock (_gate)
            {
                _lines.Add(line);
                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }
    }
}
