using Serverless.Shared.AudioPlans;
using Serverless.Shared.Media;

namespace Serverless.MediaNode.Audio;

/// <summary>Mid-call <c>Play</c> commands over the running plan, and their <c>thenCollect</c>.</summary>
public sealed partial class CallAudio
{
    /// <summary>True while the plan's steps run (a mid-call play then holds the plan's audio until it has played).</summary>
    public bool IsPlanRunning => Volatile.Read(ref _planRunning) != 0;

    /// <summary>
    /// Plays one item of a mid-call <c>Play</c> command: a prompt (blob or bundled name), a tone or silence; plays
    /// queue behind each other. While the plan runs, the item plays over it: the plan's current clip (prompt, tone,
    /// pause, echo) is held and resumes afterwards; collect and record steps keep their own clocks. Completes when
    /// it has been sent, or when a digit barges in on a <see cref="PlayRequest.BargeIn"/> item. Returns false for
    /// what this node cannot play (speech: no TTS here; a prompt without a source; a tone without a frequency).
    /// </summary>
    public async Task<bool> PlayAsync(PlayRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _plays.WaitAsync(cancellationToken);
        var collecting = request.Collect is not null;
        var played = false;
        try
        {
            if (collecting)
            {
                // What the caller pressed before this play is no answer to it; from now on digits wait for its collect.
                while (_digits.Reader.TryRead(out _))
                {
                }

                Interlocked.Increment(ref _playCollects);
            }

            played = await PlayWithBargeInAsync(request, cancellationToken);
            return played;
        }
        finally
        {
            if (collecting && !played)
            {
                Interlocked.Decrement(ref _playCollects); // no collect follows
            }

            _plays.Release();
        }
    }

    private async Task<bool> PlayWithBargeInAsync(PlayRequest request, CancellationToken cancellationToken)
    {
        if (!request.BargeIn)
        {
            return await PlayOneAsync(request, cancellationToken);
        }

        using var bargeIn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _bargeIn = bargeIn;
        try
        {
            return await PlayOneAsync(request, bargeIn.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return true; // a digit cut it short: played as far as the caller wanted
        }
        finally
        {
            _bargeIn = null;
        }
    }

    /// <summary>
    /// Collects digits for a mid-call play's <c>thenCollect</c> (after <see cref="PlayAsync"/> of a request with
    /// <see cref="PlayRequest.Collect"/>), by the rules of a plan's collect step. One collect reads the caller's digits
    /// at a time: a play's waits for a running collect step, and the other way round.
    /// </summary>
    public async Task<DigitInput> CollectAsync(CollectDigitsStep step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        try
        {
            return await CollectOneAsync(step, cancellationToken);
        }
        finally
        {
            if (Interlocked.Decrement(ref _playCollects) < 0)
            {
                Interlocked.Exchange(ref _playCollects, 0); // a collect without a play before it
            }
        }
    }

    /// <summary>True from a collecting play's start until its collect ended: digits then wait for it, not reported one by one.</summary>
    public bool PlayCollectPending => Volatile.Read(ref _playCollects) > 0;

    private async Task<bool> PlayOneAsync(PlayRequest request, CancellationToken cancellationToken)
    {
        var duration = request.Duration ?? TimeSpan.FromSeconds(1);
        switch (request.Kind)
        {
            case PlayKind.Prompt when request.Uri is { } source:
                await PlayPromptAsync(-1, new PromptStep(source.IsAbsoluteUri ? source.AbsoluteUri : source.OriginalString), overlay: true, cancellationToken);
                return true;
            case PlayKind.Tone when request.FrequencyHz is { } hz and > 0 && duration > TimeSpan.Zero:
                await _source.PlayOverAsync(_prompts.GetTone(hz, duration), cancellationToken);
                return true;
            case PlayKind.Silence when duration > TimeSpan.Zero:
                await _source.PauseOverAsync(Ticks(duration), cancellationToken);
                return true;
            default:
                return false;
        }
    }
}
