using System.Text;
using CustomerCraft.Coaching.Sentiment;

namespace CustomerCraft.Tests.Coaching;

/// <summary>
/// The built-in analyzer is a port of VADER (vaderSentiment 3.3.2). Parity tests compare it with
/// the reference's published outputs; rule tests use a tiny lexicon so each rule's arithmetic can
/// be checked exactly; support-line tests show what it does (and does not) see in chat messages.
/// </summary>
public class SentimentTests
{
    private static readonly LexiconSentimentAnalyzer Vader = new();

    // A made-up lexicon for the rule tests: round numbers make each rule's effect visible.
    private static readonly LexiconSentimentAnalyzer Tiny = new(new Dictionary<string, double>
    {
        ["good"] = 2.0,
        ["bad"] = -2.0,
        ["kind"] = 2.4,
        ["no"] = -1.2,
        ["ok"] = 1.0,
    });

    private static double Normalize(double sum) => sum / Math.Sqrt((sum * sum) + 15);

    // ---- Parity with the reference implementation -------------------------------------------

    /// <summary>
    /// VADER's README and demo sentences. The compound scores of the first sixteen are the ones
    /// VADER's README publishes; all values (compound to 4 decimals, proportions to 3, as the
    /// reference rounds them) are what vaderSentiment 3.3.2's <c>polarity_scores</c> returns with
    /// the same lexicon file.
    /// </summary>
    public static TheoryData<string, double, double, double, double> ReferenceScores => new()
    {
        { "VADER is smart, handsome, and funny.", 0.8316, 0.746, 0.0, 0.254 },
        { "VADER is smart, handsome, and funny!", 0.8439, 0.752, 0.0, 0.248 },
        { "VADER is very smart, handsome, and funny.", 0.8545, 0.701, 0.0, 0.299 },
        { "VADER is VERY SMART, handsome, and FUNNY.", 0.9227, 0.754, 0.0, 0.246 },
        { "VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342, 0.767, 0.0, 0.233 },
        { "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", 0.9469, 0.706, 0.0, 0.294 },
        { "VADER is not smart, handsome, nor funny.", -0.7424, 0.0, 0.646, 0.354 },
        { "The book was good.", 0.4404, 0.492, 0.0, 0.508 },
        { "At least it isn't a horrible book.", 0.431, 0.322, 0.0, 0.678 },
        { "The book was only kind of good.", 0.3832, 0.303, 0.0, 0.697 },
        { "The plot was good, but the characters are uncompelling and the dialog is not great.", -0.7042, 0.094, 0.327, 0.579 },
        { "Today SUX!", -0.5461, 0.0, 0.779, 0.221 },
        { "Today only kinda sux! But I'll get by, lol", 0.5249, 0.317, 0.127, 0.556 },
        { "Make sure you :) or :D today!", 0.8633, 0.706, 0.0, 0.294 },
        { "Catch utf-8 emoji such as 💘 and 💋 and 😁", 0.7003, 0.279, 0.0, 0.721 },
        { "Not bad at all", 0.431, 0.487, 0.0, 0.513 },
        { "Sentiment analysis has never been good.", -0.3412, 0.0, 0.325, 0.675 },
        { "Sentiment analysis has never been this good!", 0.5672, 0.379, 0.0, 0.621 },
        { "Most automated sentiment analysis tools are shit.", -0.5574, 0.0, 0.375, 0.625 },
        { "With VADER, sentiment analysis is the shit!", 0.6476, 0.417, 0.0, 0.583 },
        { "Other sentiment analysis tools can be quite bad.", -0.5849, 0.0, 0.351, 0.649 },
        { "On the other hand, VADER is quite bad ass", 0.802, 0.577, 0.0, 0.423 },
        { "VADER is such a badass!", -0.2244, 0.0, 0.321, 0.679 },
        { "Without a doubt, excellent idea.", 0.7013, 0.659, 0.0, 0.341 },
        { "Roger Dodger is one of the most compelling variations on this theme.", 0.2944, 0.166, 0.0, 0.834 },
        { "Roger Dodger is at least compelling as a variation on the theme.", 0.2263, 0.147, 0.0, 0.853 },
        { "Roger Dodger is one of the least compelling variations on this theme.", -0.1695, 0.0, 0.132, 0.868 },
        { "Not such a badass after all.", 0.1139, 0.224, 0.0, 0.776 },
        { "Without a doubt, an excellent idea.", 0.7013, 0.592, 0.0, 0.408 },
        { "It was one of the worst movies I've seen, despite good reviews.", -0.7584, 0.0, 0.394, 0.606 },
        { "Unbelievably bad acting!!", -0.6572, 0.0, 0.686, 0.314 },
        { "Poor direction.", -0.4767, 0.0, 0.756, 0.244 },
        { "VERY poor production.", -0.6281, 0.0, 0.674, 0.326 },
        { "The movie was bad.", -0.5423, 0.0, 0.538, 0.462 },
        { "Very bad movie.", -0.5849, 0.0, 0.655, 0.345 },
        { "VERY BAD movie!", -0.7616, 0.0, 0.735, 0.265 },

        // Support lines, also as the reference scores them.
        { "Thanks so much, that was really helpful :)", 0.8508, 0.65, 0.0, 0.35 },
        { "not bad", 0.431, 0.74, 0.0, 0.26 },
        { "I'm NOT happy", -0.4585, 0.0, 0.6, 0.4 },
        { "It was good but the delivery was terrible", -0.4939, 0.161, 0.343, 0.496 },
        { "No problem at all, thanks for the help", 0.7819, 0.611, 0.0, 0.389 },
        { "There is no help here", -0.3089, 0.0, 0.361, 0.639 },
    };

    [Theory]
    [MemberData(nameof(ReferenceScores))]
    public void Analyze_MatchesTheReferenceImplementation(string text, double compound, double positive, double negative, double neutral)
    {
        SentimentScore score = Vader.Analyze(text);

        // The reference rounds; we do not. Half a unit in the last place is the most they can differ.
        score.Compound.Should().BeApproximately(compound, 0.00005 + 1e-12, text);
        score.Positive.Should().BeApproximately(positive, 0.0005 + 1e-12, text);
        score.Negative.Should().BeApproximately(negative, 0.0005 + 1e-12, text);
        score.Neutral.Should().BeApproximately(neutral, 0.0005 + 1e-12, text);
    }

    // ---- The lexicon --------------------------------------------------------------------------

    [Fact]
    public void Lexicon_IsVadersEmbeddedFile_WithALaterRatingWinning()
    {
        var lexicon = VaderLexicon.Default;

        lexicon.Should().HaveCount(7503, "the file has 7,517 lines and rates 14 tokens twice");
        lexicon["good"].Should().Be(1.9);
        lexicon["horrible"].Should().Be(-2.5);
        lexicon[":)"].Should().Be(2.0);
        lexicon["lol"].Should().Be(1.8, "the reference keeps the file's second rating");
    }

    [Fact]
    public void Lexicon_Parse_ReadsTheFirstTwoColumnsAndRejectsMalformedLines()
    {
        var parsed = VaderLexicon.Parse(new StringReader("great\t3.1\t0.7\t[3, 3]\n\n  meh\t-0.3\n"));
        parsed.Should().BeEquivalentTo(new Dictionary<string, double> { ["great"] = 3.1, ["meh"] = -0.3 });

        FluentActions.Invoking(() => VaderLexicon.Parse(new StringReader("great 3.1")))
            .Should().Throw<FormatException>().WithMessage("*line 1*tab*");
        FluentActions.Invoking(() => VaderLexicon.Parse(new StringReader("ok\t0.9\ngreat\tvery")))
            .Should().Throw<FormatException>().WithMessage("*line 2*not a number*");
    }

    [Theory]
    [InlineData("The agent was helpful", 1)]
    [InlineData("The agent was rude", -1)]
    [InlineData("What a delightful surprise", 1)]
    [InlineData("What a horrible experience", -1)]
    public void Lexicon_WordsCarryTheirHumanRatedValence(string text, int sign)
    {
        Math.Sign(Vader.Analyze(text).Compound).Should().Be(sign);
    }

    // ---- Rules, checked exactly on the tiny lexicon -------------------------------------------

    [Theory]
    [InlineData("not good", -1.48)] // 2.0 x -0.74
    [InlineData("not bad", 1.48)]
    [InlineData("isn't good", -1.48)] // any word with "n't"
    [InlineData("not much good", -1.48)] // two words back
    [InlineData("not much much good", -1.48)] // three words back
    [InlineData("not much much much good", 2.0)] // four is too far
    [InlineData("nothing good", -1.48)]
    [InlineData("without good", -1.48)]
    public void Negation_UpToThreeWordsBack_FlipsAndDampens(string text, double valence)
    {
        DriverValence(Tiny, text).Should().BeApproximately(valence, 1e-9);
    }

    [Fact]
    public void Negation_ReadsACurlyApostropheAsAnApostrophe()
    {
        // Phone keyboards type "isn’t"; the reference (built on ASCII tweets) would miss the negation.
        Vader.Analyze("The agent isn’t helpful").Compound.Should().Be(Vader.Analyze("The agent isn't helpful").Compound);
        Vader.Analyze("The agent isn’t helpful").Compound.Should().BeNegative();
    }

    [Theory]
    [InlineData("never good", -1.48)] // plain negation
    [InlineData("never so good", 2.86625)] // (2.0 + 0.293 for "so") x 1.25: emphasis, not negation
    [InlineData("never this good", 2.5)] // 2.0 x 1.25
    [InlineData("never so bad", -2.86625)]
    public void Negation_NeverSoOrThis_IsEmphasis(string text, double valence)
    {
        DriverValence(Tiny, text).Should().BeApproximately(valence, 1e-9);
    }

    [Theory]
    [InlineData("least good", -1.48)]
    [InlineData("the least good", -1.48)]
    [InlineData("at least good", 2.0)]
    [InlineData("very least good", 2.27835)] // not negated, though "very" still boosts from two words back
    [InlineData("the least bad", 1.48)]
    public void Least_NegatesExceptInAtLeastAndVeryLeast(string text, double valence)
    {
        DriverValence(Tiny, text).Should().BeApproximately(valence, 1e-9);
    }

    [Theory]
    [InlineData("no good", -1.48)] // "no" before a sentiment word negates it and scores nothing itself
    [InlineData("no", -1.2)] // alone it is a negative word
    public void No_NegatesTheNextSentimentWord(string text, double valence)
    {
        SentimentScore score = Tiny.Analyze(text);
        score.Drivers.Should().ContainSingle().Which.Valence.Should().BeApproximately(valence, 1e-9);
    }

    [Theory]
    [InlineData("very good", 2.293)]
    [InlineData("very much good", 2.27835)] // 0.293 x 0.95 two words back
    [InlineData("very much much good", 2.2637)] // 0.293 x 0.9 three words back
    [InlineData("very much much much good", 2.0)]
    [InlineData("extremely very good", 2.571350)] // 2.0 + 0.293 + 0.293 x 0.95
    [InlineData("slightly good", 1.707)]
    [InlineData("very bad", -2.293)] // a booster pushes away from zero either way
    [InlineData("slightly bad", -1.707)]
    [InlineData("kinda bad", -1.707)]
    public void Boosters_AndDampeners_DecayWithDistance(string text, double valence)
    {
        DriverValence(Tiny, text).Should().BeApproximately(valence, 1e-9);
    }

    [Fact]
    public void KindOf_DampensTheNextWord_AndIsNotKindness()
    {
        // "kind" alone is positive; in "kind of" it scores nothing and dampens what follows.
        Tiny.Analyze("so kind").Drivers.Should().ContainSingle().Which.Valence.Should().BeApproximately(2.4 + 0.293, 1e-9);
        SentimentScore score = Tiny.Analyze("it is kind of good");
        score.Drivers.Should().ContainSingle().Which.Should().Be(new SentimentDriver("good", 2.0 - 0.293));
        // Toward zero for a negative word too (the reference adds -0.293 whatever the sign, which
        // would make "sort of bad" worse than "bad"; single-word dampeners already flip the sign).
        Tiny.Analyze("it is sort of bad").Drivers.Single().Valence.Should().BeApproximately(-2.0 + 0.293, 1e-9);

        Vader.Analyze("The book was only kind of good.").Compound.Should().BeLessThan(Vader.Analyze("The book was good.").Compound);
    }

    [Fact]
    public void But_HalvesWhatCameBefore_AndWeighsWhatFollowsOneAndAHalf()
    {
        SentimentScore score = Tiny.Analyze("good good but bad");
        score.Drivers.Select(d => d.Valence).Should().Equal(-3.0, 1.0, 1.0);
        score.Compound.Should().BeApproximately(Normalize(-1.0), 1e-12);

        Vader.Analyze("It was good but the delivery was terrible").Compound.Should().BeNegative();
        Vader.Analyze("It was terrible but the agent was great").Compound.Should().BePositive();
    }

    [Fact]
    public void But_WeighsByPosition_EvenWhenTwoWordsShareAValence()
    {
        // The reference finds each value's index by equality: here "good" halved (1.0) equals "ok"
        // (1.0), so it halves "good" twice and leaves "ok" unweighted. The rule is by position.
        Tiny.Analyze("good but ok").Drivers.Should().Equal(new SentimentDriver("ok", 1.5), new SentimentDriver("good", 1.0));
    }

    [Theory]
    [InlineData("GOOD stuff", 2.733)] // capitals among lower case: emphasis
    [InlineData("BAD stuff", -2.733)]
    [InlineData("VERY good stuff", 3.026)] // a booster in capitals boosts more: 2.0 + 0.293 + 0.733
    [InlineData("GOOD STUFF", 2.0)] // all in capitals: shouting everything emphasizes nothing
    public void Capitals_EmphasizeWhenTheRestIsNotInCapitals(string text, double valence)
    {
        DriverValence(Tiny, text).Should().BeApproximately(valence, 1e-9);
    }

    [Fact]
    public void Capitals_OnRealMessages()
    {
        Vader.Analyze("The agent was GREAT").Compound.Should().BeGreaterThan(Vader.Analyze("The agent was great").Compound);
        Vader.Analyze("The agent was AWFUL").Compound.Should().BeLessThan(Vader.Analyze("The agent was awful").Compound);
        Vader.Analyze("THE AGENT WAS GREAT").Compound.Should().Be(Vader.Analyze("The agent was great").Compound);
    }

    [Theory]
    [InlineData("good", 2.0)]
    [InlineData("good!", 2.292)]
    [InlineData("good!!!!", 2.0 + (4 * 0.292))]
    [InlineData("good!!!!!!!", 2.0 + (4 * 0.292))] // at most four count
    [InlineData("good?", 2.0)] // one question mark is a question
    [InlineData("good??", 2.36)]
    [InlineData("good???", 2.54)]
    [InlineData("good?????", 2.96)] // four or more: 0.96
    [InlineData("bad!", -2.292)] // emphasis goes the message's way
    [InlineData("good!?!?", 2.0 + (2 * 0.292) + (2 * 0.18))]
    public void Punctuation_AddsEmphasis(string text, double sum)
    {
        Tiny.Analyze(text).Compound.Should().BeApproximately(Normalize(sum), 1e-12);
    }

    [Fact]
    public void Punctuation_OnANeutralMessage_AddsNothing()
    {
        Vader.Analyze("Where is my order???").Should().BeSameAs(SentimentScore.None);
    }

    [Theory]
    [InlineData(":)", 1)]
    [InlineData(":-)", 1)]
    [InlineData(":D", 1)]
    [InlineData("<3", 1)]
    [InlineData(":(", -1)]
    [InlineData(":'(", -1)]
    [InlineData("😊", 1)]
    [InlineData("😍", 1)]
    [InlineData("😂", 1)]
    [InlineData("😢", -1)]
    [InlineData("😠", -1)]
    [InlineData("😞", -1)]
    public void Emoticons_AndEmoji_CarrySentiment(string text, int sign)
    {
        Math.Sign(Vader.Analyze(text).Compound).Should().Be(sign);
    }

    [Fact]
    public void Emoji_AreScoredThroughTheirNames_WithoutChangingTheRestOfTheMessage()
    {
        // "😢" reads as "crying face"; the words around it keep their own scores.
        Vader.Analyze("ok 😢").Compound.Should().Be(Vader.Analyze("ok crying face").Compound);
        Vader.Analyze("Thanks, that was helpful :)").Compound.Should().BeGreaterThan(Vader.Analyze("Thanks, that was helpful").Compound);
        Vader.Analyze("Thanks, that was helpful 😊").Compound.Should().BeGreaterThan(Vader.Analyze("Thanks, that was helpful").Compound);
        Vader.Analyze("Nothing here but 日本語 and ✓ marks").Compound.Should().Be(0, "non-emoji symbols are ordinary characters");
    }

    [Fact]
    public void Idioms_ReplaceTheValenceOfTheWordsInThem()
    {
        // "bomb" is negative on its own; "the bomb" is praise. "yeah" is positive; "yeah right" is not.
        Vader.Analyze("The new app is the bomb").Drivers.Should().ContainSingle().Which.Should().Be(new SentimentDriver("bomb", 3));
        Vader.Analyze("The new app is a bomb").Compound.Should().BeNegative();
        Vader.Analyze("The agent said yeah right").Compound.Should().BeNegative();
        Vader.Analyze("The agent said yeah").Compound.Should().BePositive();
    }

    // ---- Typical support lines ------------------------------------------------------------------

    [Fact]
    public void SupportLines_PraiseIsPositive()
    {
        SentimentScore score = Vader.Analyze("Thanks so much, that was really helpful :)");

        score.Compound.Should().BeGreaterThan(0.8);
        score.Drivers.Select(d => d.Word).Should().Equal(":)", "helpful", "Thanks");
    }

    [Fact]
    public void SupportLines_NegatedNegativeIsMildlyPositive()
    {
        Vader.Analyze("not bad").Compound.Should().BeInRange(0.3, 0.6);
    }

    [Fact]
    public void SupportLines_ShoutedNegationIsNegative()
    {
        Vader.Analyze("I'm NOT happy").Compound.Should().BeLessThan(-0.4);
        Vader.Analyze("I'm NOT happy at all!!").Compound.Should().BeLessThan(Vader.Analyze("I'm NOT happy").Compound);
    }

    [Fact]
    public void SupportLines_WhatFollowsButDominates()
    {
        SentimentScore score = Vader.Analyze("It was good but the delivery was terrible");

        score.Compound.Should().BeLessThan(-0.4);
        score.Drivers.Should().Equal(new SentimentDriver("terrible", -2.1 * 1.5), new SentimentDriver("good", 1.9 * 0.5));
    }

    [Theory]
    [InlineData("I've been waiting for two weeks and nobody called me back!!")]
    [InlineData("The app is not working")]
    public void SupportLines_ComplaintsWithoutSentimentWords_AreNeutral(string text)
    {
        // A known limit of a lexicon approach, kept as VADER has it: "waiting", "nobody" and
        // "working" are not sentiment words, so these complaints read as neutral. Callers must not
        // take a neutral score for a satisfied customer.
        Vader.Analyze(text).Should().BeSameAs(SentimentScore.None);
    }

    // ---- Input handling, range, drivers ----------------------------------------------------------

    [Fact]
    public async Task Null_IsRejected()
    {
        FluentActions.Invoking(() => Vader.Analyze(null!)).Should().Throw<ArgumentNullException>();
        await FluentActions.Awaiting(async () => await Vader.AnalyzeAsync(null!)).Should().ThrowAsync<ArgumentNullException>();
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" \t\r\n\u00a0\u2003\u001f ")]
    public void EmptyOrWhiteSpace_IsNeutral(string text)
    {
        Vader.Analyze(text).Should().BeSameAs(SentimentScore.None);
        SentimentScore.None.Should().Be(new SentimentScore(0, 0, 0, 1, SentimentScore.None.Drivers));
    }

    [Fact]
    public async Task AnalyzeAsync_CompletesSynchronously_AndHonoursAPriorCancellation()
    {
        ValueTask<SentimentScore> pending = Vader.AnalyzeAsync("great service");
        pending.IsCompletedSuccessfully.Should().BeTrue();
        (await pending).Compound.Should().Be(Vader.Analyze("great service").Compound);

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await FluentActions.Awaiting(async () => await Vader.AnalyzeAsync("great", cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void RandomGarbage_StaysInRange()
    {
        var random = new Random(20260101);
        string[] pieces =
        [
            "good", "GREAT", "not", "never", "so", "but", "BUT", "kind", "of", "no", "least", "at", "very", "the", "bomb",
            "n't", "isn’t", "!!!", "???", ":)", ":(", "<3", "😊", "😢", "👍", "❤️", "\ud83d", "\ude00", "\u0000", "\t", "\u00a0",
            "日本", "Ǆ", "ß", "İ", "-", "'", "\"", "x", "fucking", "hate", "love", "worst", "best", "lol", "LOL",
        ];
        var text = new StringBuilder();
        for (int i = 0; i < 3000; i++)
        {
            text.Clear();
            int length = random.Next(0, i % 50 == 0 ? 2000 : 40);
            for (int k = 0; k < length; k++)
            {
                if (random.Next(3) == 0)
                {
                    text.Append((char)random.Next(0, 0x10000));
                }
                else
                {
                    text.Append(pieces[random.Next(pieces.Length)]);
                }

                if (random.Next(2) == 0)
                {
                    text.Append(' ');
                }
            }

            SentimentScore score = Vader.Analyze(text.ToString());

            score.Compound.Should().BeInRange(-1, 1);
            score.Positive.Should().BeInRange(0, 1);
            score.Negative.Should().BeInRange(0, 1);
            score.Neutral.Should().BeInRange(0, 1);
            (score.Positive + score.Negative + score.Neutral).Should().BeApproximately(1, 1e-9);
            score.Drivers.Count.Should().BeLessThanOrEqualTo(LexiconSentimentAnalyzer.MaxDrivers);
            score.Drivers.Should().NotContain(d => d.Valence == 0 || d.Word.Length == 0);
        }
    }

    [Fact]
    public void ExtremeMessages_SaturateAtPlusOrMinusOne()
    {
        Vader.Analyze(string.Join(' ', Enumerable.Repeat("LOVE", 500)) + " love").Compound.Should().BeApproximately(1, 1e-3);
        Vader.Analyze(string.Join(' ', Enumerable.Repeat("hate", 500))).Compound.Should().BeApproximately(-1, 1e-3);
    }

    [Fact]
    public void Drivers_AreTheStrongestWordsFirst_AsWritten_AtMostEight()
    {
        SentimentScore score = Vader.Analyze("good nice fine ok great awesome bad terrible horrible okay wonderful happy sad GREAT");

        score.Drivers.Should().HaveCount(LexiconSentimentAnalyzer.MaxDrivers);
        score.Drivers.Select(d => Math.Abs(d.Valence)).Should().BeInDescendingOrder();
        score.Drivers[0].Should().Be(new SentimentDriver("GREAT", 3.1 + 0.733), "capitals among lower case add emphasis, and the word is reported as written");
        score.Drivers.Select(d => d.Word).Should().NotContain(["ok", "fine"], "the weakest words are left out");
    }

    [Fact]
    public void Drivers_OfEqualStrength_KeepTheirOrderInTheMessage()
    {
        Tiny.Analyze("bad good bad good").Drivers.Should().Equal(
            new SentimentDriver("bad", -2), new SentimentDriver("good", 2), new SentimentDriver("bad", -2), new SentimentDriver("good", 2));
    }

    [Fact]
    public void Analyze_IsThreadSafe()
    {
        string[] messages = [.. ReferenceScores.Select(row => (string)row[0])];
        double[] expected = [.. messages.Select(m => Vader.Analyze(m).Compound)];

        Parallel.For(0, 4000, i => Vader.Analyze(messages[i % messages.Length]).Compound.Should().Be(expected[i % messages.Length]));
    }

    [Fact]
    public void Analyze_AllocatesOnlyTheResult()
    {
        const string lowerCase = "thanks, the agent was really helpful and kind :)";
        const string neutral = "where is my order, it was due on monday";
        const string longMessage = "good " + "and then some more words " + "x";
        string huge = string.Join(' ', Enumerable.Repeat("the delivery was late but the agent was great", 300));
        foreach (string text in new[] { lowerCase, neutral, longMessage, huge, "ok 😊" })
        {
            Vader.Analyze(text); // warm: the lexicon, the per-thread buffer
        }

        Allocated(lowerCase).Should().BeLessThanOrEqualTo(256, "a record and a four-driver array are about 150 bytes");
        Allocated(neutral).Should().Be(0, "a message without sentiment gets the shared neutral result");
        Allocated(huge).Should().BeLessThanOrEqualTo(512, "long messages use pooled buffers");
        Allocated("ok 😊").Should().BeLessThanOrEqualTo(256, "emoji names are spelled out in a pooled buffer");

        static long Allocated(string text)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Vader.Analyze(text);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }

    private static double DriverValence(LexiconSentimentAnalyzer analyzer, string text) =>
        analyzer.Analyze(text).Drivers.Should().ContainSingle().Subject.Valence;
}
